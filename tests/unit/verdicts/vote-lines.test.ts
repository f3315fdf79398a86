import { describe, expect, test } from 'vitest';
import { comparison } from '@/src/verdicts/comparison';
import { VerdictModel, type VoteClient } from '@/src/verdicts/verdict-model';
import { EMPTY_LEDGER, recordChoice, type VoteLedger } from '@/src/verdicts/vote-ledger';
import { intlTimeFormatter, syncProblemLine, tallyNote, voteLine } from '@/src/verdicts/vote-lines';
import { parseVoteState, type SyncSnapshot, voteStateOf } from '@/src/verdicts/vote-state';
import { IDLE_STATUS } from '@/src/verdicts/vote-sync-storage';

const URL_A = 'https://votes.example.org';
const AS_OF = Date.parse('2026-11-24T14:05:00Z');
const time = (ms: number) => `T${ms}`;

function ledgerOf(...choices: ('smolvlm2-2b' | 'skypilot-research-agents' | null)[]): VoteLedger {
  let ids = 0;
  const env = { now: () => 1_000 + ids, newId: () => `id-${++ids}` };
  return choices.reduce<VoteLedger>((l, c) => recordChoice(l, c, env), EMPTY_LEDGER);
}

function snapshot(patch: Partial<SyncSnapshot> = {}): SyncSnapshot {
  return {
    target: { mode: 'service', url: URL_A },
    installs: {
      byService: { [URL_A]: { installId: 'i1', token: 't', expiresAt: 0 } },
      cursorOwner: 'i1',
    },
    tally: {
      serviceUrl: URL_A,
      tally: { counts: { 'smolvlm2-2b': 1, 'skypilot-research-agents': 1 }, total: 2 },
      asOf: AS_OF,
      etag: null,
    },
    status: IDLE_STATUS,
    ...patch,
  };
}

describe('what the popup says about a vote', () => {
  test('counted: the service has every event, and the tally is the service’s with its time', () => {
    const ledger = { ...ledgerOf('smolvlm2-2b'), syncedCount: 1 };
    const state = voteStateOf(ledger, snapshot());
    expect(state.sync).toEqual({ state: 'counted' });
    expect(voteLine(comparison, state)).toBe(
      'You picked SmolVLM2-2B. Your vote is counted in the community tally; you can change or withdraw it at any time.',
    );
    expect(tallyNote(state, time)).toBe(
      `Community: 2 votes on the Glimpse vote service (votes.example.org), as of T${AS_OF}.`,
    );
    expect(syncProblemLine(state, time)).toBeNull();
  });

  test('waiting: says the figures leave the pending vote out, and which pick they still count', () => {
    const ledger = { ...ledgerOf('smolvlm2-2b', 'skypilot-research-agents'), syncedCount: 1 };
    const state = voteStateOf(
      ledger,
      snapshot({
        status: {
          ...IDLE_STATUS,
          serviceUrl: URL_A,
          failures: 1,
          nextAttemptAt: AS_OF + 60_000,
          problem: { kind: 'unreachable', message: "Glimpse can't reach the vote service." },
        },
      }),
    );
    expect(state.sync).toEqual({
      state: 'waiting',
      countedChoice: 'smolvlm2-2b',
      problem: "Glimpse can't reach the vote service.",
      nextAttemptAt: AS_OF + 60_000,
    });
    expect(voteLine(comparison, state)).toBe(
      "You picked SkyPilot Research Agents. Your vote is waiting to sync: the community figures don't include it yet. They still count your earlier pick, SmolVLM2-2B.",
    );
    expect(syncProblemLine(state, time)).toBe(
      `Glimpse can't reach the vote service. Next try: T${AS_OF + 60_000}.`,
    );
  });

  test('a withdrawal waiting to sync, and a first vote before any tally arrived', () => {
    const withdrawn = voteStateOf({ ...ledgerOf('smolvlm2-2b', null), syncedCount: 1 }, snapshot());
    expect(voteLine(comparison, withdrawn)).toBe(
      'You withdrew your vote. The withdrawal is waiting to sync. They still count your earlier pick, SmolVLM2-2B.',
    );
    const first = voteStateOf(
      ledgerOf('smolvlm2-2b'),
      snapshot({ tally: null, installs: { byService: {}, cursorOwner: null } }),
    );
    expect(first.tally).toBeNull();
    expect(tallyNote(first, time)).toBe(
      'Community figures appear once Glimpse reaches the vote service at votes.example.org.',
    );
  });

  test('a cursor that belongs to another install (another service) counts for nothing here', () => {
    const ledger = { ...ledgerOf('smolvlm2-2b'), syncedCount: 1 };
    const state = voteStateOf(
      ledger,
      snapshot({
        installs: {
          byService: { [URL_A]: { installId: 'i2', token: 't', expiresAt: 0 } },
          cursorOwner: 'i1',
        },
      }),
    );
    expect(state.sync).toMatchObject({ state: 'waiting', countedChoice: null });
  });

  test('device-only says why: no service in this build, or the user’s choice', () => {
    const ledger = ledgerOf('skypilot-research-agents');
    const none = voteStateOf(
      ledger,
      snapshot({ target: { mode: 'device-only', reason: 'no-service' } }),
    );
    expect(tallyNote(none, time)).toBe(
      'Community: 1 vote, counted on this device only: this build of Glimpse has no vote service. You can set one in Options.',
    );
    expect(voteLine(comparison, none)).toBe(
      'You picked SkyPilot Research Agents. You can change or withdraw it at any time.',
    );
    const chosen = voteStateOf(
      ledger,
      snapshot({ target: { mode: 'device-only', reason: 'user-choice' } }),
    );
    expect(tallyNote(chosen, time)).toBe(
      'Community: 1 vote, counted on this device only, as you chose in Options.',
    );
  });

  test('"as of" is a time today and a date with the time another day, in the given locale', () => {
    const now = Date.parse('2026-11-24T16:00:00');
    const format = intlTimeFormatter(() => now, 'en-GB');
    expect(format(Date.parse('2026-11-24T14:05:00'))).toBe('14:05');
    expect(format(Date.parse('2026-11-20T09:30:00'))).toBe('20 Nov 2026, 09:30');
  });

  test('the popup validates what the background sends', () => {
    const state = voteStateOf({ ...ledgerOf('smolvlm2-2b'), syncedCount: 1 }, snapshot());
    expect(parseVoteState(JSON.parse(JSON.stringify(state)))).toEqual(state);
    expect(parseVoteState({ ...state, scope: 'galaxy' })).toBeNull();
    expect(parseVoteState({ ...state, tally: { counts: { other: 1 }, total: 1 } })).toBeNull();
  });
});

describe('the popup model with a service tally', () => {
  test('community figures come from the service tally; "…" until it is known; "—" when nobody voted', async () => {
    let state = voteStateOf(ledgerOf('smolvlm2-2b'), snapshot({ tally: null }));
    const listeners = new Set<() => void>();
    const client: VoteClient = {
      get: async () => state,
      cast: async () => state,
      withdraw: async () => state,
      syncNow: async () => undefined,
      subscribe: (cb) => {
        listeners.add(cb);
        return () => listeners.delete(cb);
      },
    };
    const model = new VerdictModel(comparison, client, time);
    await expect.poll(() => model.loaded.value).toBe(true);
    expect(model.cards.value.map((c) => [c.communityKnown, c.communityPercent])).toEqual([
      [false, null],
      [false, null],
    ]);

    state = voteStateOf({ ...ledgerOf('smolvlm2-2b'), syncedCount: 1 }, snapshot());
    for (const cb of listeners) cb();
    await expect.poll(() => model.cards.value[0]?.communityPercent).toBe(50);
    expect(model.cards.value.map((c) => [c.communityVotes, c.communityTotal])).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(model.pending.value).toBe(false);
    expect(model.tallyNote.value).toContain('2 votes');

    state = voteStateOf(
      ledgerOf(),
      snapshot({
        tally: {
          serviceUrl: URL_A,
          tally: { counts: { 'smolvlm2-2b': 0, 'skypilot-research-agents': 0 }, total: 0 },
          asOf: AS_OF,
          etag: null,
        },
      }),
    );
    for (const cb of listeners) cb();
    await expect
      .poll(() => model.cards.value[0]?.communityKnown && model.cards.value[0]?.communityPercent)
      .toBeNull();
  });
});
