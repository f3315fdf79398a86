import * as v from 'valibot';
import { TOOL_IDS, type ToolId, ToolIdSchema } from './comparison';

/**
 * Every vote is an event, so that a later sync can replay what the server has not seen yet.
 * `choice: null` records a withdrawn vote.
 */
export const VoteEventSchema = v.object({
  id: v.pipe(v.string(), v.nonEmpty()),
  at: v.pipe(v.number(), v.integer(), v.minValue(0)),
  choice: v.nullable(ToolIdSchema),
});
export type VoteEvent = v.InferOutput<typeof VoteEventSchema>;

export const VoteLedgerSchema = v.object({
  voterId: v.string(),
  events: v.array(VoteEventSchema),
  /** How many events, from the start, a vote service has acknowledged. */
  syncedCount: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
export type VoteLedger = v.InferOutput<typeof VoteLedgerSchema>;

export const EMPTY_LEDGER: VoteLedger = Object.freeze({ voterId: '', events: [], syncedCount: 0 });

export interface LedgerEnv {
  now: () => number;
  newId: () => string;
}

export function currentChoice(ledger: VoteLedger): ToolId | null {
  return ledger.events.at(-1)?.choice ?? null;
}

/** Appends a vote (or a withdrawal); returns the same ledger when nothing would change. */
export function recordChoice(
  ledger: VoteLedger,
  choice: ToolId | null,
  env: LedgerEnv,
): VoteLedger {
  if (currentChoice(ledger) === choice) return ledger;
  const event: VoteEvent = { id: env.newId(), at: env.now(), choice };
  return {
    voterId: ledger.voterId || env.newId(),
    events: [...ledger.events, event],
    syncedCount: ledger.syncedCount,
  };
}

export function pendingEvents(ledger: VoteLedger): VoteEvent[] {
  return ledger.events.slice(ledger.syncedCount);
}

/** Marks events as acknowledged by a vote service, up to and including `lastEventId`. */
export function acknowledgeThrough(ledger: VoteLedger, lastEventId: string): VoteLedger {
  const index = ledger.events.findIndex((e) => e.id === lastEventId);
  if (index < 0) return ledger;
  return { ...ledger, syncedCount: Math.max(ledger.syncedCount, index + 1) };
}

/**
 * Moves the cursor over the first pending event without the service storing it: for an event
 * the service refused as invalid once a later vote superseded it. The event itself stays.
 */
export function passOver(ledger: VoteLedger, eventId: string): VoteLedger {
  if (ledger.events[ledger.syncedCount]?.id !== eventId) return ledger;
  return { ...ledger, syncedCount: ledger.syncedCount + 1 };
}

/** The ledger with no event acknowledged: for an install that has seen none of them. */
export function resetCursor(ledger: VoteLedger): VoteLedger {
  return ledger.syncedCount === 0 ? ledger : { ...ledger, syncedCount: 0 };
}

export interface Tally {
  counts: Record<ToolId, number>;
  total: number;
}

/** Counts one ballot per voter; a withdrawn ballot (null) counts for nobody. */
export function tallyBallots(ballots: Iterable<ToolId | null>): Tally {
  const counts = Object.fromEntries(TOOL_IDS.map((id) => [id, 0])) as Record<ToolId, number>;
  let total = 0;
  for (const ballot of ballots) {
    if (ballot === null) continue;
    counts[ballot] += 1;
    total += 1;
  }
  return { counts, total };
}

/** Community share in whole percent, or null while there are no votes ("—" in the UI). */
export function communityPercent(tally: Tally, toolId: ToolId): number | null {
  return tally.total === 0 ? null : Math.round((tally.counts[toolId] / tally.total) * 100);
}
