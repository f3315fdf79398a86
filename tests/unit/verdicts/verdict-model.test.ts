import { describe, expect, test } from 'vitest';
import { comparison, type ToolId } from '@/src/verdicts/comparison';
import { VerdictModel, type VoteClient } from '@/src/verdicts/verdict-model';
import { EMPTY_LEDGER, recordChoice, type VoteLedger } from '@/src/verdicts/vote-ledger';
import { deviceOnlyState } from '@/src/verdicts/vote-state';

function memoryClient(): VoteClient & { fail: boolean; changeElsewhere(choice: ToolId): void } {
  let ledger: VoteLedger = EMPTY_LEDGER;
  let ids = 0;
  const env = { now: () => 1, newId: () => `id-${++ids}` };
  const listeners = new Set<() => void>();
  const client = {
    fail: false,
    get: async () => deviceOnlyState(ledger),
    cast: async (choice: ToolId) => {
      if (client.fail) throw new Error("Glimpse's background service didn't answer.");
      ledger = recordChoice(ledger, choice, env);
      return deviceOnlyState(ledger);
    },
    withdraw: async () => {
      ledger = recordChoice(ledger, null, env);
      return deviceOnlyState(ledger);
    },
    syncNow: async () => undefined,
    subscribe: (cb: () => void) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    changeElsewhere(choice: ToolId) {
      ledger = recordChoice(ledger, choice, env);
      for (const cb of listeners) cb();
    },
  };
  return client;
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('verdict model', () => {
  test('starts with panel figures, "—" community and no pick', async () => {
    const model = new VerdictModel(comparison, memoryClient());
    expect(model.loaded.value).toBe(false);
    await flush();
    expect(model.loaded.value).toBe(true);
    expect(
      model.cards.value.map((c) => [c.panelPercent, c.split, c.communityPercent, c.picked]),
    ).toEqual([
      [100, '4–0', null, false],
      [50, '2–2', null, false],
    ]);
    expect(model.pricing.value).toBe('Both have a free entry.');
  });

  test('choose, change and withdraw update picks and community figures', async () => {
    const model = new VerdictModel(comparison, memoryClient());
    await model.choose('smolvlm2-2b');
    expect(model.cards.value.map((c) => [c.communityPercent, c.picked])).toEqual([
      [100, true],
      [0, false],
    ]);
    await model.choose('skypilot-research-agents');
    expect(model.choice.value).toBe('skypilot-research-agents');
    await model.withdraw();
    expect(model.totalVotes.value).toBe(0);
    expect(model.cards.value.every((c) => c.communityPercent === null)).toBe(true);
  });

  test('a failed vote shows its sentence and keeps the previous state', async () => {
    const client = memoryClient();
    const model = new VerdictModel(comparison, client);
    await model.choose('smolvlm2-2b');
    client.fail = true;
    await model.choose('skypilot-research-agents');
    expect(model.error.value).toBe("Glimpse's background service didn't answer.");
    expect(model.choice.value).toBe('smolvlm2-2b');
    expect(model.pending.value).toBe(false);
  });

  test('follows a vote changed in another popup', async () => {
    const client = memoryClient();
    const model = new VerdictModel(comparison, client);
    await flush();
    client.changeElsewhere('skypilot-research-agents');
    await flush();
    expect(model.choice.value).toBe('skypilot-research-agents');
  });
});
