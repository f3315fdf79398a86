import * as v from 'valibot';
import { TOOL_IDS, type ToolId } from '@/src/verdicts/comparison';
import type { FetchLike } from '@/src/verdicts/sync-http';
import {
  type ErrorCode,
  isKnownChoice,
  MAX_CLOCK_SKEW_MS,
  type SyncEvent,
  SyncRequestSchema,
} from '@/src/verdicts/sync-protocol';

/**
 * An in-memory vote service speaking the `/v1` protocol, for the sync's unit tests: it stores
 * each (install, event id) once, moves a ballot only for a newer (at, id), validates bodies
 * with the shared schemas, and answers errors as `{error: {code, message}}`. The e2e suite
 * runs the real server; this one lets a test script faults precisely.
 */

export const FAKE_PROOF = 'solved-proof';
export const FAKE_CHALLENGE = {
  parameters: {
    algorithm: 'PBKDF2/SHA-256',
    nonce: 'ab',
    salt: 'cd',
    cost: 1,
    keyLength: 32,
    keyPrefix: '00',
  },
  signature: 'sig',
};

interface Install {
  events: Map<string, SyncEvent>;
  ballot: SyncEvent | null;
}

export interface SeenRequest {
  method: string;
  path: string;
  auth: string | null;
  body: unknown;
}

/** A fault answers instead of the service (or after it, for `afterStore`); undefined passes. */
export type Fault = (
  request: SeenRequest,
) =>
  | { status: number; code?: ErrorCode; headers?: Record<string, string>; raw?: string }
  | 'network'
  | 'network-after-store'
  | undefined;

export function fakeVoteService(now: () => number, tokenTtlMs = 24 * 60 * 60_000) {
  let installs = new Map<string, Install>();
  let nextInstall = 0;
  let tallyVersion = 0;
  let down = false;
  const faults: (Fault | undefined)[] = [];
  const requests: SeenRequest[] = [];

  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    });
  const error = (status: number, code: ErrorCode, headers: Record<string, string> = {}) =>
    json(status, { error: { code, message: `fake ${code}` } }, headers);

  function tally() {
    const counts = Object.fromEntries(TOOL_IDS.map((id) => [id, 0])) as Record<ToolId, number>;
    let total = 0;
    for (const install of installs.values()) {
      const choice = install.ballot?.choice as ToolId | null | undefined;
      if (!choice) continue;
      counts[choice] += 1;
      total += 1;
    }
    return { counts, total };
  }

  const issue = (installId: string) => {
    const expiresAt = now() + tokenTtlMs;
    return { installId, token: `t.${installId}.${expiresAt}`, expiresAt };
  };

  function authorize(auth: string | null): { installId: string } | Response {
    const [, installId = '', expiry = ''] = (auth ?? '').replace(/^Bearer /, '').split('.');
    if (!installs.has(installId)) return error(401, 'unauthorized');
    if (Number(expiry) <= now()) return error(401, 'token_expired');
    return { installId };
  }

  function handle(request: SeenRequest): Response {
    const { method, path, body } = request;
    if (method === 'GET' && path === '/v1/installs/challenge') return json(200, FAKE_CHALLENGE);
    if (method === 'POST' && path === '/v1/installs') {
      const altcha = (body as { altcha?: unknown } | null)?.altcha;
      if (altcha !== FAKE_PROOF) return error(400, 'bad_proof');
      const installId = `install-${++nextInstall}`;
      installs.set(installId, { events: new Map(), ballot: null });
      return json(201, issue(installId));
    }
    if (method === 'POST' && path === '/v1/installs/renew') {
      const [, installId = ''] = (request.auth ?? '').replace(/^Bearer /, '').split('.');
      if (!installs.has(installId)) return error(401, 'unauthorized');
      return json(200, issue(installId));
    }
    if (method === 'POST' && path === '/v1/sync') {
      const who = authorize(request.auth);
      if (who instanceof Response) return who;
      const parsed = v.safeParse(SyncRequestSchema, body);
      if (!parsed.success) return error(400, 'bad_request');
      const { installId, events } = parsed.output;
      if (installId !== who.installId) return error(401, 'unauthorized');
      if (events.some((e) => !isKnownChoice(e.choice))) return error(422, 'unknown_tool');
      if (events.some((e) => e.at > now() + MAX_CLOCK_SKEW_MS))
        return error(422, 'event_in_future');
      const install = installs.get(installId) as Install;
      for (const event of events) {
        if (install.events.has(event.id)) continue;
        install.events.set(event.id, event);
        const b = install.ballot;
        if (!b || event.at > b.at || (event.at === b.at && event.id > b.id)) install.ballot = event;
      }
      tallyVersion += 1;
      return json(200, { ackedThrough: events.at(-1)?.id, tally: tally(), asOf: now() });
    }
    if (method === 'GET' && path === '/v1/tally') {
      const etag = `"v${tallyVersion}"`;
      if (request.auth === etag) return new Response(null, { status: 304, headers: { etag } });
      return json(200, { tally: tally(), asOf: now() }, { etag });
    }
    return error(404, 'not_found');
  }

  const fetch: FetchLike = async (input, init) => {
    const url = new URL(input);
    const headers = new Headers(init.headers);
    const request: SeenRequest = {
      method: init.method ?? 'GET',
      path: url.pathname,
      // The tally's If-None-Match rides in `auth` too: one field the handler checks per route.
      auth: headers.get('authorization') ?? headers.get('if-none-match'),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : null,
    };
    requests.push(request);
    if (down) throw new TypeError('Failed to fetch');
    const fault = faults.shift()?.(request);
    if (fault === 'network') throw new TypeError('Failed to fetch');
    if (fault === 'network-after-store') {
      handle(request);
      throw new TypeError('Failed to fetch');
    }
    if (fault) {
      if (fault.raw !== undefined) return new Response(fault.raw, { status: fault.status });
      return error(fault.status, fault.code ?? 'unavailable', fault.headers);
    }
    return handle(request);
  };

  return {
    fetch,
    requests,
    /** Faults for the next requests, in order (one per request; undefined lets one through). */
    failNext(...next: (Fault | undefined)[]) {
      faults.push(...next);
    },
    /** While down, every request fails as when nothing listens on the port. */
    setDown(value: boolean) {
      down = value;
    },
    installs: () => installs,
    storedEvents: (installId: string) => [...(installs.get(installId)?.events.values() ?? [])],
    tally,
    /** The service lost its database: it knows no install any more. */
    resetDatabase() {
      installs = new Map();
      tallyVersion += 1;
    },
    syncRequests: () => requests.filter((r) => r.path === '/v1/sync'),
  };
}
export type FakeVoteService = ReturnType<typeof fakeVoteService>;
