import * as v from 'valibot';
import { type ToolId, ToolIdSchema } from './comparison';
import { TallySchema } from './sync-protocol';
import { currentChoice, type Tally, tallyBallots, type VoteLedger } from './vote-ledger';
import type { SyncTarget } from './vote-settings';
import type { Installs, StoredTally, SyncStatus } from './vote-sync-storage';

/**
 * What the popup shows about votes (the `votes/*` responses). Validated on arrival in the
 * popup like every message, so a background from another version can't break it silently.
 */
export const VoteStateSchema = v.object({
  choice: v.nullable(ToolIdSchema),
  /** Where the tally comes from: the vote service, or this device's own ballot. */
  scope: v.picklist(['service', 'this-device']),
  /** The community tally to show; null while the service has not been reached yet. */
  tally: v.nullable(TallySchema),
  /** When the service computed the tally, ms since the epoch (null for this device's). */
  asOf: v.nullable(v.number()),
  /** The service's host, for the popup's sentences; null in device-only mode. */
  serviceHost: v.nullable(v.string()),
  sync: v.variant('state', [
    v.object({
      state: v.literal('device-only'),
      reason: v.picklist(['no-service', 'user-choice']),
    }),
    /** The service has every event: the tally counts the user's current vote. */
    v.object({ state: v.literal('counted') }),
    v.object({
      state: v.literal('waiting'),
      /** The pick the service still counts for this install (null: none). */
      countedChoice: v.nullable(ToolIdSchema),
      /** Why the last try failed and what happens next, as a sentence; null while none failed. */
      problem: v.nullable(v.string()),
      nextAttemptAt: v.nullable(v.number()),
    }),
  ]),
});
export type VoteState = Omit<v.InferOutput<typeof VoteStateSchema>, 'tally'> & {
  tally: Tally | null;
};

/** A state as the popup received it: the tally's counts keyed by the known tools. */
export function parseVoteState(value: unknown): VoteState | null {
  const parsed = v.safeParse(VoteStateSchema, value);
  return parsed.success ? (parsed.output as VoteState) : null;
}

export interface SyncSnapshot {
  target: SyncTarget;
  installs: Installs;
  tally: StoredTally | null;
  status: SyncStatus;
}

/** Device-only: the community is this device's one current ballot. */
export function deviceOnlyState(
  ledger: VoteLedger,
  reason: 'no-service' | 'user-choice' = 'no-service',
): VoteState {
  const choice = currentChoice(ledger);
  return {
    choice,
    scope: 'this-device',
    tally: tallyBallots([choice]),
    asOf: null,
    serviceHost: null,
    sync: { state: 'device-only', reason },
  };
}

export function voteStateOf(ledger: VoteLedger, snapshot: SyncSnapshot): VoteState {
  const { target } = snapshot;
  if (target.mode === 'device-only') return deviceOnlyState(ledger, target.reason);
  const choice = currentChoice(ledger);
  const install = snapshot.installs.byService[target.url];
  // The cursor counts this service's acknowledgements only when it belongs to its install.
  const cursorHere = !!install && snapshot.installs.cursorOwner === install.installId;
  const synced = cursorHere ? ledger.syncedCount : 0;
  const base = {
    choice,
    scope: 'service' as const,
    tally: snapshot.tally?.tally ?? null,
    asOf: snapshot.tally?.asOf ?? null,
    serviceHost: new URL(target.url).host,
  };
  if (synced >= ledger.events.length) return { ...base, sync: { state: 'counted' } };
  const countedChoice: ToolId | null =
    synced > 0 ? (ledger.events[synced - 1]?.choice ?? null) : null;
  const { problem, nextAttemptAt } = snapshot.status;
  return {
    ...base,
    sync: {
      state: 'waiting',
      countedChoice,
      problem: problem?.message ?? null,
      nextAttemptAt: problem ? nextAttemptAt : null,
    },
  };
}
