import { describe, expect, test } from 'vitest';
import {
  acknowledgeThrough,
  communityPercent,
  currentChoice,
  EMPTY_LEDGER,
  passOver,
  pendingEvents,
  recordChoice,
  resetCursor,
  tallyBallots,
} from '@/src/verdicts/vote-ledger';
import { deviceOnlyState } from '@/src/verdicts/vote-state';

function testEnv() {
  let clock = 1_000;
  let ids = 0;
  return { now: () => clock++, newId: () => `id-${++ids}` };
}

describe('vote ledger', () => {
  test('vote, change, withdraw: each is an event with an id and a time', () => {
    const env = testEnv();
    let ledger = recordChoice(EMPTY_LEDGER, 'smolvlm2-2b', env);
    expect(currentChoice(ledger)).toBe('smolvlm2-2b');
    ledger = recordChoice(ledger, 'skypilot-research-agents', env);
    expect(currentChoice(ledger)).toBe('skypilot-research-agents');
    ledger = recordChoice(ledger, null, env);
    expect(currentChoice(ledger)).toBeNull();
    expect(ledger.events.map((e) => e.choice)).toEqual([
      'smolvlm2-2b',
      'skypilot-research-agents',
      null,
    ]);
    expect(new Set(ledger.events.map((e) => e.id)).size).toBe(3);
    expect(ledger.events.map((e) => e.at)).toEqual([1000, 1001, 1002]);
    expect(ledger.voterId).toBe('id-2');
  });

  test('repeating the current choice records nothing', () => {
    const env = testEnv();
    const once = recordChoice(EMPTY_LEDGER, 'smolvlm2-2b', env);
    expect(recordChoice(once, 'smolvlm2-2b', env)).toBe(once);
    expect(recordChoice(EMPTY_LEDGER, null, env)).toBe(EMPTY_LEDGER);
  });

  test('events stay pending until a vote service acknowledges them', () => {
    const env = testEnv();
    let ledger = recordChoice(EMPTY_LEDGER, 'smolvlm2-2b', env);
    ledger = recordChoice(ledger, 'skypilot-research-agents', env);
    expect(pendingEvents(ledger)).toHaveLength(2);
    const first = ledger.events[0];
    if (!first) throw new Error('event expected');
    ledger = acknowledgeThrough(ledger, first.id);
    expect(pendingEvents(ledger).map((e) => e.choice)).toEqual(['skypilot-research-agents']);
    expect(acknowledgeThrough(ledger, 'unknown')).toBe(ledger);
    // A stale acknowledgement never un-syncs later events.
    const all = acknowledgeThrough(ledger, ledger.events[1]?.id ?? '');
    expect(acknowledgeThrough(all, first.id).syncedCount).toBe(2);
  });

  test('tally counts one ballot per voter and ignores withdrawn ballots', () => {
    const tally = tallyBallots(['smolvlm2-2b', 'smolvlm2-2b', 'skypilot-research-agents', null]);
    expect(tally.total).toBe(3);
    expect(communityPercent(tally, 'smolvlm2-2b')).toBe(67);
    expect(communityPercent(tally, 'skypilot-research-agents')).toBe(33);
    expect(communityPercent(tallyBallots([]), 'smolvlm2-2b')).toBeNull();
  });

  test('without a vote service, the community is this device', () => {
    const state = deviceOnlyState(
      recordChoice(EMPTY_LEDGER, 'skypilot-research-agents', testEnv()),
    );
    expect(state).toEqual({
      choice: 'skypilot-research-agents',
      tally: { counts: { 'smolvlm2-2b': 0, 'skypilot-research-agents': 1 }, total: 1 },
      scope: 'this-device',
      asOf: null,
      serviceHost: null,
      sync: { state: 'device-only', reason: 'no-service' },
    });
  });

  test('passing over a refused event moves only past that first pending event; a reset resends all', () => {
    const env = testEnv();
    let ledger = recordChoice(EMPTY_LEDGER, 'smolvlm2-2b', env);
    ledger = recordChoice(ledger, 'skypilot-research-agents', env);
    const [first, second] = ledger.events;
    if (!first || !second) throw new Error('events expected');
    expect(passOver(ledger, second.id)).toBe(ledger);
    ledger = passOver(ledger, first.id);
    expect(ledger.syncedCount).toBe(1);
    expect(ledger.events).toHaveLength(2);
    expect(resetCursor(ledger).syncedCount).toBe(0);
    expect(resetCursor(resetCursor(ledger))).toEqual(resetCursor(ledger));
  });
});
