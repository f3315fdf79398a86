import * as v from 'valibot';
import { TOOL_IDS } from './comparison';
import type { Tally } from './vote-ledger';

/**
 * The vote service's wire protocol (`/v1`), shared by the extension (src/verdicts/vote-sync.ts)
 * and the service (server/). Bodies are strict objects: a missing or extra field is a 400.
 *
 * A sync carries the install id, and per event its id, time and the tool picked: nothing about
 * pages, images or questions.
 */
export const PROTOCOL_VERSION = 'v1';

/** The largest request body the service reads (a full batch is about 8 KB). */
export const MAX_BODY_BYTES = 16 * 1024;
/** Events per sync; the extension sends a longer backlog in several batches, in order. */
export const MAX_EVENTS_PER_SYNC = 100;
/** An event time further ahead of the service's clock than this is rejected (a 422). */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

const eventId = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const installId = v.pipe(v.string(), v.minLength(1), v.maxLength(64));

/**
 * One ledger event as sent. `choice` is any string here so that the service can tell a
 * malformed body (400) from an unknown tool (422); `isKnownChoice` is the second check.
 */
export const SyncEventSchema = v.strictObject({
  id: eventId,
  at: v.pipe(v.number(), v.integer(), v.minValue(0)),
  choice: v.nullable(v.pipe(v.string(), v.maxLength(64))),
});
export type SyncEvent = v.InferOutput<typeof SyncEventSchema>;

export const SyncRequestSchema = v.strictObject({
  installId,
  events: v.pipe(v.array(SyncEventSchema), v.minLength(1), v.maxLength(MAX_EVENTS_PER_SYNC)),
});
export type SyncRequest = v.InferOutput<typeof SyncRequestSchema>;

export function isKnownChoice(choice: string | null): boolean {
  return choice === null || (TOOL_IDS as readonly string[]).includes(choice);
}

/** The community tally as the service reports it: counts of live ballots per tool. */
export const TallySchema = v.strictObject({
  counts: v.strictObject(
    Object.fromEntries(TOOL_IDS.map((id) => [id, v.pipe(v.number(), v.integer(), v.minValue(0))])),
  ),
  total: v.pipe(v.number(), v.integer(), v.minValue(0)),
});

export interface TallyResponse {
  tally: Tally;
  /** When the service computed it, ms since the epoch. */
  asOf: number;
}

export interface SyncResponse extends TallyResponse {
  /** The id of the last event of the batch now stored (every event up to it is stored). */
  ackedThrough: string;
}

/** `POST /v1/installs`: an ALTCHA proof-of-work solution for a challenge from `GET /v1/installs/challenge`. */
export const RegisterRequestSchema = v.strictObject({
  altcha: v.pipe(v.string(), v.minLength(1), v.maxLength(4096)),
});
export type RegisterRequest = v.InferOutput<typeof RegisterRequestSchema>;

export interface RegisterResponse {
  installId: string;
  /** Signed by the service; sent as `Authorization: Bearer <token>` with every sync. */
  token: string;
  /** When the token expires, ms since the epoch; `POST /v1/installs/renew` gives a new one. */
  expiresAt: number;
}

/** Every error the service answers: a stable code, and a sentence for people. */
export interface ErrorResponse {
  error: {
    code:
      | 'bad_json'
      | 'bad_request'
      | 'unknown_tool'
      | 'event_in_future'
      | 'body_too_large'
      | 'unauthorized'
      | 'token_expired'
      | 'bad_proof'
      | 'rate_limited'
      | 'not_found'
      | 'unavailable';
    message: string;
  };
}
export type ErrorCode = ErrorResponse['error']['code'];
