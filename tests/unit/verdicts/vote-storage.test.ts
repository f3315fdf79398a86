import { storage } from '@wxt-dev/storage';
import { beforeEach, describe, expect, test } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { badgeForChoice } from '@/src/verdicts/badge';
import { createVoteService, keepBadgeOnPick } from '@/src/verdicts/vote-service';
import { defineVoteLedgerItem, readLedger } from '@/src/verdicts/vote-storage';

function testEnv() {
  let clock = 5_000;
  let ids = 0;
  return { now: () => clock++, newId: () => `id-${++ids}` };
}

beforeEach(() => {
  fakeBrowser.reset();
});

describe('vote persistence', () => {
  test('vote, change and withdraw are stored as versioned events', async () => {
    const item = defineVoteLedgerItem();
    const votes = createVoteService({ item, env: testEnv() });
    expect((await votes.get()).choice).toBeNull();

    expect((await votes.cast('smolvlm2-2b')).choice).toBe('smolvlm2-2b');
    expect((await votes.cast('skypilot-research-agents')).tally?.counts).toEqual({
      'smolvlm2-2b': 0,
      'skypilot-research-agents': 1,
    });
    expect((await votes.withdraw()).tally?.total).toBe(0);

    // What a fresh context reads from real (in-memory) extension storage.
    const stored = await readLedger(defineVoteLedgerItem());
    expect(stored.events.map((e) => e.choice)).toEqual([
      'smolvlm2-2b',
      'skypilot-research-agents',
      null,
    ]);
    expect(await storage.getMeta('local:votes')).toEqual({ v: 2 });
  });

  test('two votes cast at once are both kept', async () => {
    const votes = createVoteService({ item: defineVoteLedgerItem(), env: testEnv() });
    await Promise.all([votes.cast('smolvlm2-2b'), votes.cast('skypilot-research-agents')]);
    const ledger = await readLedger(defineVoteLedgerItem());
    expect(ledger.events.map((e) => e.choice)).toEqual(['smolvlm2-2b', 'skypilot-research-agents']);
  });

  test('a version-1 vote record migrates to the event ledger', async () => {
    await fakeBrowser.storage.local.set({
      votes: { pick: 'skypilot-research-agents', pickedAt: 1234 },
    });
    const item = defineVoteLedgerItem();
    const ledger = await readLedger(item);
    expect(ledger).toEqual({
      voterId: 'migrated-v1-1234',
      events: [{ id: 'migrated-v1-1234', at: 1234, choice: 'skypilot-research-agents' }],
      syncedCount: 0,
    });
    expect(await storage.getMeta('local:votes')).toEqual({ v: 2 });
    // The migrated vote can be changed like any other.
    const votes = createVoteService({ item, env: testEnv() });
    expect((await votes.cast('smolvlm2-2b')).choice).toBe('smolvlm2-2b');
    expect((await readLedger(item)).events).toHaveLength(2);
  });

  test('a version-1 record without a pick migrates to an empty ledger', async () => {
    await fakeBrowser.storage.local.set({ votes: { pick: null, pickedAt: 99 } });
    expect((await readLedger(defineVoteLedgerItem())).events).toEqual([]);
  });

  test('malformed stored data reads as no vote instead of crashing', async () => {
    await fakeBrowser.storage.local.set({ votes: { events: 'garbage' }, votes$: { v: 2 } });
    expect((await readLedger(defineVoteLedgerItem())).events).toEqual([]);
  });
});

describe('toolbar badge', () => {
  test('follows the vote the moment it changes', async () => {
    const item = defineVoteLedgerItem();
    const votes = createVoteService({ item, env: testEnv() });
    await keepBadgeOnPick(item, fakeBrowser.action);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('');

    await votes.cast('smolvlm2-2b');
    await expect.poll(() => fakeBrowser.action.getBadgeText({})).toBe('VLM');
    expect(await fakeBrowser.action.getTitle({})).toBe('Glimpse — your pick: SmolVLM2-2B');

    await votes.cast('skypilot-research-agents');
    await expect.poll(() => fakeBrowser.action.getBadgeText({})).toBe('SKY');

    await votes.withdraw();
    await expect.poll(() => fakeBrowser.action.getBadgeText({})).toBe('');
  });

  test('shows a pick that was stored before the background started', async () => {
    const item = defineVoteLedgerItem();
    await createVoteService({ item, env: testEnv() }).cast('skypilot-research-agents');
    await keepBadgeOnPick(item, fakeBrowser.action);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('SKY');
    const [r, g, b] = await fakeBrowser.action.getBadgeBackgroundColor({});
    expect([r, g, b]).toEqual([3, 105, 161]);
    expect(badgeForChoice('skypilot-research-agents').color).toBe('#0369a1');
  });
});
