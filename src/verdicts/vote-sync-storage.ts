import { storage as defaultStorage, type WxtStorage } from '@wxt-dev/storage';
import * as v from 'valibot';
import { TallySchema } from './sync-protocol';
import type { Tally } from './vote-ledger';

/**
 * What the sync keeps between service-worker lives, each a versioned item: the install's
 * credentials per service, the last community tally, and the retry schedule.
 */

const InstallSchema = v.object({
  installId: v.pipe(v.string(), v.nonEmpty()),
  token: v.pipe(v.string(), v.nonEmpty()),
  expiresAt: v.number(),
});
export type InstallCredentials = v.InferOutput<typeof InstallSchema>;

export const InstallsSchema = v.object({
  /** One install per service URL, so switching back to a service reuses its ballot. */
  byService: v.record(v.string(), InstallSchema),
  /**
   * The install whose acknowledgements the ledger's cursor (syncedCount) counts. Another
   * install (a new service, or a re-registration) starts the cursor over from 0.
   */
  cursorOwner: v.nullable(v.string()),
});
export type Installs = v.InferOutput<typeof InstallsSchema>;
export const NO_INSTALLS: Installs = Object.freeze({ byService: {}, cursorOwner: null });

export const StoredTallySchema = v.object({
  serviceUrl: v.string(),
  tally: TallySchema,
  /** When the service computed (or last confirmed) it, ms since the epoch. */
  asOf: v.number(),
  etag: v.nullable(v.string()),
});
export interface StoredTally {
  serviceUrl: string;
  tally: Tally;
  asOf: number;
  etag: string | null;
}

export const PROBLEM_KINDS = [
  'offline',
  'unreachable',
  'server',
  'rate-limited',
  'rejected',
] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

export const SyncStatusSchema = v.object({
  serviceUrl: v.nullable(v.string()),
  /** Failed attempts in a row: the backoff grows with it. */
  failures: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** When the next try is due (an alarm is set for it); null when nothing waits. */
  nextAttemptAt: v.nullable(v.number()),
  /** Retry-After from a 429: nothing is sent before it, whatever the trigger. */
  holdUntil: v.nullable(v.number()),
  problem: v.nullable(v.object({ kind: v.picklist(PROBLEM_KINDS), message: v.string() })),
  lastSuccessAt: v.nullable(v.number()),
  /** Events the service refused as invalid, passed over because a later vote superseded them. */
  setAside: v.array(v.object({ id: v.string(), code: v.string() })),
});
export type SyncStatus = v.InferOutput<typeof SyncStatusSchema>;
export const IDLE_STATUS: SyncStatus = Object.freeze({
  serviceUrl: null,
  failures: 0,
  nextAttemptAt: null,
  holdUntil: null,
  problem: null,
  lastSuccessAt: null,
  setAside: [],
});

export function defineSyncItems(storage: WxtStorage = defaultStorage) {
  return {
    installs: storage.defineItem<Installs>('local:vote-installs', {
      fallback: NO_INSTALLS,
      version: 1,
    }),
    tally: storage.defineItem<StoredTally | null>('local:vote-tally', {
      fallback: null,
      version: 1,
    }),
    status: storage.defineItem<SyncStatus>('local:vote-sync', {
      fallback: IDLE_STATUS,
      version: 1,
    }),
  };
}
export type SyncItems = ReturnType<typeof defineSyncItems>;

/** Reads each item, treating anything malformed as absent rather than failing the sync. */
export async function readInstalls(items: SyncItems): Promise<Installs> {
  const parsed = v.safeParse(InstallsSchema, await items.installs.getValue());
  return parsed.success ? parsed.output : NO_INSTALLS;
}

export async function readTally(items: SyncItems, serviceUrl: string): Promise<StoredTally | null> {
  const parsed = v.safeParse(StoredTallySchema, await items.tally.getValue());
  return parsed.success && parsed.output.serviceUrl === serviceUrl
    ? (parsed.output as StoredTally)
    : null;
}

/** The status for this service; a status about another service starts afresh. */
export async function readStatus(items: SyncItems, serviceUrl: string | null): Promise<SyncStatus> {
  const parsed = v.safeParse(SyncStatusSchema, await items.status.getValue());
  if (!parsed.success || parsed.output.serviceUrl !== serviceUrl) {
    return { ...IDLE_STATUS, serviceUrl, setAside: [] };
  }
  return parsed.output;
}
