import * as v from 'valibot';
import {
  type ErrorCode,
  PROTOCOL_VERSION,
  type RegisterResponse,
  type SyncRequest,
  type SyncResponse,
  type TallyResponse,
  TallySchema,
} from './sync-protocol';
import type { Tally } from './vote-ledger';

/** The vote service's `/v1` API as the background calls it. Every answer is validated. */

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** How a call ended: a validated value, or why not, in the terms the sync rules need. */
export type Outcome<T> =
  | { ok: true; value: T; etag: string | null }
  /** No HTTP answer at all: offline, refused, reset, timed out. */
  | { ok: false; kind: 'network' }
  | {
      ok: false;
      kind: 'http';
      status: number;
      /** The service's error code, when its body was the documented JSON error. */
      code: ErrorCode | null;
      /** Retry-After in ms (429, 503), when given. */
      retryAfterMs: number | null;
    }
  /** A 2xx whose body is not what the protocol says. */
  | { ok: false; kind: 'bad-response'; status: number };

const REQUEST_TIMEOUT_MS = 15_000;

const ErrorBodySchema = v.object({
  error: v.object({ code: v.string(), message: v.string() }),
});
const tallySchema = TallySchema as unknown as v.GenericSchema<unknown, Tally>;
const TallyResponseSchema = v.object({ tally: tallySchema, asOf: v.number() });
const SyncResponseSchema = v.object({
  ackedThrough: v.pipe(v.string(), v.nonEmpty()),
  tally: tallySchema,
  asOf: v.number(),
});
const RegisterResponseSchema = v.object({
  installId: v.pipe(v.string(), v.nonEmpty()),
  token: v.pipe(v.string(), v.nonEmpty()),
  expiresAt: v.number(),
});
const ChallengeSchema = v.looseObject({ parameters: v.looseObject({}) });

/** Retry-After is seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfter(header: string | null, now: number): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export function createSyncHttp(baseUrl: string, fetchFn: FetchLike, now: () => number) {
  const api = `${baseUrl}/${PROTOCOL_VERSION}`;

  async function call<T>(
    path: string,
    init: RequestInit,
    schema: v.GenericSchema<unknown, T>,
  ): Promise<Outcome<T>> {
    let response: Response;
    try {
      response = await fetchFn(`${api}${path}`, {
        ...init,
        // Votes carry no cookies, and the service's answers are never cached by the browser.
        credentials: 'omit',
        cache: 'no-store',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch {
      return { ok: false, kind: 'network' };
    }
    const etag = response.headers.get('etag');
    if (response.status === 304) return { ok: true, value: undefined as T, etag };
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    if (response.ok) {
      const parsed = v.safeParse(schema, body);
      return parsed.success
        ? { ok: true, value: parsed.output, etag }
        : { ok: false, kind: 'bad-response', status: response.status };
    }
    const error = v.safeParse(ErrorBodySchema, body);
    return {
      ok: false,
      kind: 'http',
      status: response.status,
      code: error.success ? (error.output.error.code as ErrorCode) : null,
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), now()),
    };
  }

  const json = (body: unknown, token?: string): RequestInit => ({
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });

  return {
    challenge: () => call('/installs/challenge', { method: 'GET' }, ChallengeSchema),
    register: (altcha: string): Promise<Outcome<RegisterResponse>> =>
      call('/installs', json({ altcha }), RegisterResponseSchema),
    renew: (expiredToken: string): Promise<Outcome<RegisterResponse>> =>
      call(
        '/installs/renew',
        { method: 'POST', headers: { authorization: `Bearer ${expiredToken}` } },
        RegisterResponseSchema,
      ),
    sync: (token: string, request: SyncRequest): Promise<Outcome<SyncResponse>> =>
      call('/sync', json(request, token), SyncResponseSchema),
    /** 304 (value undefined) when the tally behind `etag` is still current. */
    tally: (etag: string | null): Promise<Outcome<TallyResponse | undefined>> =>
      call(
        '/tally',
        { method: 'GET', headers: etag ? { 'if-none-match': etag } : {} },
        TallyResponseSchema,
      ),
  };
}
export type SyncHttp = ReturnType<typeof createSyncHttp>;
