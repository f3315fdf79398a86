import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  MAX_BODY_BYTES,
  MAX_CLOCK_SKEW_MS,
  MAX_EVENTS_PER_SYNC,
  type RegisterResponse,
  type SyncEvent,
} from '../../src/verdicts/sync-protocol';
import type { Database } from '../db/database';
import { checkIntegrity } from '../db/integrity';
import { openPglite } from '../db/pglite';
import { deriveKeys } from '../secrets';
import { openDatabase, type RunningService, serveService } from '../service';
import { createTokenSigner } from '../tokens';
import {
  bearer,
  errorOf,
  postJson,
  register,
  SKY,
  SMOL,
  solvedAltcha,
  sync,
  syncOk,
  tally,
  vote,
} from './support/client';
import {
  BACKENDS,
  type FreshStorage,
  freshStorage,
  TEST_SECRET,
  testConfig,
} from './support/storage';

const DAY = 24 * 60 * 60 * 1000;

describe.each(BACKENDS)('vote service on %s', (backend) => {
  let storage: FreshStorage;
  let db: Database;
  let service: RunningService;
  let base: string;
  /** The service's clock runs this far ahead of the real one (expiry tests move it). */
  let clockOffset = 0;
  const now = () => Date.now() + clockOffset;

  beforeAll(async () => {
    storage = await freshStorage(backend);
    const config = testConfig(storage);
    db = await openDatabase(config);
    service = await serveService(db, config, {
      secret: TEST_SECRET,
      secretSource: 'test',
      ownsDatabase: false,
      now,
    });
    base = service.url;
  });

  afterAll(async () => {
    await service?.stop();
    // Whatever the tests did, the store is still consistent.
    if (db) expect((await checkIntegrity(db)).ok).toBe(true);
    await db?.close();
    storage?.cleanup();
  });

  async function withClock<T>(offsetMs: number, work: () => Promise<T>): Promise<T> {
    clockOffset = offsetMs;
    try {
      return await work();
    } finally {
      clockOffset = 0;
    }
  }

  it('registers an install for a solved challenge, and each challenge registers once', async () => {
    const altcha = await solvedAltcha(base);
    const first = await postJson(`${base}/v1/installs`, { altcha });
    expect(first.status).toBe(201);
    const install = (await first.json()) as RegisterResponse;
    expect(install.installId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(install.token).toContain(install.installId);
    expect(install.expiresAt).toBeGreaterThan(Date.now() + 29 * DAY);

    const replay = await postJson(`${base}/v1/installs`, { altcha });
    expect(replay.status).toBe(403);
    expect(await errorOf(replay)).toMatchObject({
      code: 'bad_proof',
      message: expect.stringMatching(/already been used/),
    });

    const other = await register(base);
    expect(other.installId).not.toBe(install.installId);
  });

  it('turns down a proof of work that is not one, is wrong, or has expired', async () => {
    const notBase64Json = await postJson(`${base}/v1/installs`, { altcha: 'not a payload' });
    expect(notBase64Json.status).toBe(400);
    expect((await errorOf(notBase64Json)).code).toBe('bad_proof');

    const payload = JSON.parse(Buffer.from(await solvedAltcha(base), 'base64').toString()) as {
      challenge: { parameters: { cost: number } };
      solution: { counter: number; derivedKey: string };
    };
    const wrongKey = { ...payload, solution: { ...payload.solution, derivedKey: '00'.repeat(32) } };
    const wrong = await postJson(`${base}/v1/installs`, {
      altcha: Buffer.from(JSON.stringify(wrongKey)).toString('base64'),
    });
    expect(wrong.status).toBe(403);
    expect((await errorOf(wrong)).code).toBe('bad_proof');

    // Lowering the cost breaks the service's signature on the challenge.
    const cheaper = {
      ...payload,
      challenge: { ...payload.challenge, parameters: { ...payload.challenge.parameters, cost: 0 } },
    };
    const tampered = await postJson(`${base}/v1/installs`, {
      altcha: Buffer.from(JSON.stringify(cheaper)).toString('base64'),
    });
    expect(tampered.status).toBe(403);

    const solved = await solvedAltcha(base);
    const late = await withClock(11 * 60_000, () =>
      postJson(`${base}/v1/installs`, { altcha: solved }),
    );
    expect(late.status).toBe(403);
    expect(await errorOf(late)).toMatchObject({
      code: 'bad_proof',
      message: expect.stringMatching(/expired/),
    });
    // Turned down, so not spent: still good now.
    expect((await postJson(`${base}/v1/installs`, { altcha: solved })).status).toBe(201);

    for (const body of [{}, { altcha: solved, extra: 1 }, { altcha: 42 }]) {
      const response = await postJson(`${base}/v1/installs`, body);
      expect(response.status).toBe(400);
      expect((await errorOf(response)).code).toBe('bad_request');
    }
    const badJson = await postJson(`${base}/v1/installs`, '{"altcha": ');
    expect(badJson.status).toBe(400);
    expect((await errorOf(badJson)).code).toBe('bad_json');
  });

  it('stores a vote, counts it, and acknowledges the batch with the tally', async () => {
    const before = (await tally(base)).tally;
    const install = await register(base);
    const first = vote(SMOL);
    const second = vote(SKY, first.at + 1);
    const response = await syncOk(base, install, [first, second]);
    expect(response.ackedThrough).toBe(second.id);
    expect(response.tally.counts[SKY]).toBe(before.counts[SKY] + 1);
    expect(response.tally.counts[SMOL]).toBe(before.counts[SMOL]);
    expect(response.tally.total).toBe(before.total + 1);
    expect(Math.abs(response.asOf - Date.now())).toBeLessThan(5_000);
    expect((await tally(base)).tally).toEqual(response.tally);
  });

  it('changes nothing when a batch is retried: each event is stored once', async () => {
    const install = await register(base);
    const events = [vote(SMOL), vote(SKY), vote(SMOL)];
    const first = await syncOk(base, install, events);
    const storedBefore = (await checkIntegrity(db)).storedEvents;
    for (let retry = 0; retry < 3; retry++) {
      const again = await syncOk(base, install, events);
      expect(again.ackedThrough).toBe(events[2]?.id);
      expect(again.tally).toEqual(first.tally);
    }
    // A retry racing itself (two requests in flight at once) is no different.
    const racing = await Promise.all([
      syncOk(base, install, events),
      syncOk(base, install, events),
    ]);
    expect(racing.map((r) => r.tally)).toEqual([first.tally, first.tally]);
    const report = await checkIntegrity(db);
    expect(report.storedEvents).toBe(storedBefore);
    expect(report.ok).toBe(true);
  });

  it('moves a ballot only for a newer (at, id): last writer wins in any arrival order', async () => {
    const before = (await tally(base)).tally;
    const install = await register(base);
    const at = Date.now() - 60_000;
    const newest: SyncEvent = { id: 'lww-b', at, choice: SMOL };
    const older: SyncEvent = { id: 'lww-z', at: at - 1, choice: SKY };
    const sameTimeLowerId: SyncEvent = { id: 'lww-a', at, choice: SKY };

    let response = await syncOk(base, install, [newest]);
    expect(response.tally.counts[SMOL]).toBe(before.counts[SMOL] + 1);
    // Arrives later but is older: stored, and the ballot stays.
    response = await syncOk(base, install, [older]);
    response = await syncOk(base, install, [sameTimeLowerId]);
    expect(response.tally.counts[SMOL]).toBe(before.counts[SMOL] + 1);
    expect(response.tally.counts[SKY]).toBe(before.counts[SKY]);

    // Same time, higher id (byte order): it wins.
    response = await syncOk(base, install, [{ id: 'lww-c', at, choice: SKY }]);
    expect(response.tally.counts[SKY]).toBe(before.counts[SKY] + 1);
    expect(response.tally.counts[SMOL]).toBe(before.counts[SMOL]);

    // Within one batch, the newest event wins even if it is not the last one sent.
    response = await syncOk(base, install, [
      { id: 'lww-d', at: at + 10, choice: SMOL },
      { id: 'lww-e', at: at + 5, choice: SKY },
    ]);
    expect(response.tally.counts[SMOL]).toBe(before.counts[SMOL] + 1);
    expect(response.tally.counts[SKY]).toBe(before.counts[SKY]);

    // A withdrawal is a ballot for nobody.
    response = await syncOk(base, install, [{ id: 'lww-f', at: at + 20, choice: null }]);
    expect(response.tally).toEqual(before);
    expect((await checkIntegrity(db)).ok).toBe(true);
  });

  it('rejects a whole batch for one unknown tool or one event from the future, storing nothing', async () => {
    const install = await register(base);
    const before = (await tally(base)).tally;
    const stored = (await checkIntegrity(db)).storedEvents;
    const good = vote(SMOL);

    const unknownTool = await sync(base, install, [
      good,
      { id: 'bad-tool', at: Date.now(), choice: 'gpt-9' },
    ]);
    expect(unknownTool.status).toBe(422);
    expect(await errorOf(unknownTool)).toMatchObject({
      code: 'unknown_tool',
      message: expect.stringContaining('gpt-9'),
    });

    const future = await sync(base, install, [
      good,
      vote(SKY, Date.now() + MAX_CLOCK_SKEW_MS + 60_000),
    ]);
    expect(future.status).toBe(422);
    expect((await errorOf(future)).code).toBe('event_in_future');

    expect((await checkIntegrity(db)).storedEvents).toBe(stored);
    expect((await tally(base)).tally).toEqual(before);
    // Up to five minutes ahead is a clock's ordinary drift, and is fine.
    const ahead = await syncOk(base, install, [
      good,
      vote(SKY, Date.now() + MAX_CLOCK_SKEW_MS - 30_000),
    ]);
    expect(ahead.tally.counts[SKY]).toBe(before.counts[SKY] + 1);
  });

  it('answers malformed bodies with 400 and oversized ones with 413', async () => {
    const install = await register(base);
    const headers = bearer(install.token);
    const url = `${base}/v1/sync`;
    const cases: [unknown, string][] = [
      ['{"installId": "x", "events": [', 'bad_json'],
      ['', 'bad_json'],
      [{ events: [vote(SMOL)] }, 'bad_request'],
      [{ installId: install.installId }, 'bad_request'],
      [{ installId: install.installId, events: [] }, 'bad_request'],
      [{ installId: install.installId, events: [vote(SMOL)], extra: true }, 'bad_request'],
      [{ installId: install.installId, events: [{ ...vote(SMOL), extra: 1 }] }, 'bad_request'],
      [{ installId: install.installId, events: [{ id: 'x', choice: SMOL }] }, 'bad_request'],
      [
        { installId: install.installId, events: [{ id: 'x', at: 1.5, choice: SMOL }] },
        'bad_request',
      ],
      [
        { installId: install.installId, events: [{ id: 'x', at: -1, choice: SMOL }] },
        'bad_request',
      ],
      [{ installId: install.installId, events: [{ id: '', at: 1, choice: SMOL }] }, 'bad_request'],
      [
        { installId: install.installId, events: [{ id: 'x', at: '1', choice: SMOL }] },
        'bad_request',
      ],
      [{ installId: install.installId, events: [{ id: 'x', at: 1, choice: 7 }] }, 'bad_request'],
      [
        {
          installId: install.installId,
          events: Array.from({ length: MAX_EVENTS_PER_SYNC + 1 }, (_, i) => ({
            id: `n${i}`,
            at: 1,
            choice: SMOL,
          })),
        },
        'bad_request',
      ],
      [[1, 2], 'bad_request'],
    ];
    for (const [body, code] of cases) {
      const response = await postJson(url, body, headers);
      const error = await errorOf(response);
      expect({ body, status: response.status, code: error.code }).toEqual({
        body,
        status: 400,
        code,
      });
      expect(error.message).toMatch(/^[A-Z].*\.$/);
    }

    const huge = {
      installId: install.installId,
      events: [{ id: 'x'.repeat(64), at: 1, choice: SMOL }],
      padding: 'p'.repeat(MAX_BODY_BYTES),
    };
    const tooLarge = await postJson(url, huge, headers);
    expect(tooLarge.status).toBe(413);
    expect((await errorOf(tooLarge)).code).toBe('body_too_large');
    // Sent in chunks, without a Content-Length: counted as it streams in.
    const chunked = (body: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: new Blob([body]).stream(),
        duplex: 'half',
      } as RequestInit);
    const streamedTooLarge = await chunked(JSON.stringify(huge));
    expect(streamedTooLarge.status).toBe(413);
    expect((await errorOf(streamedTooLarge)).code).toBe('body_too_large');
    const streamed = await chunked(
      JSON.stringify({ installId: install.installId, events: [vote(SKY)] }),
    );
    expect(streamed.status).toBe(200);
    // None of it changed the store or killed the service.
    expect((await syncOk(base, install, [vote(SMOL)])).ackedThrough).toBeTruthy();
  });

  it('answers bad, forged, foreign and expired tokens with 401, and renews an expired one', async () => {
    const install = await register(base);
    const other = await register(base);
    const events = [vote(SMOL)];
    const body = { installId: install.installId, events };
    const url = `${base}/v1/sync`;

    const missing = await postJson(url, body);
    expect(missing.status).toBe(401);
    expect((await errorOf(missing)).code).toBe('unauthorized');
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);

    for (const token of [
      'garbage',
      `${install.token}x`,
      install.token.replace(/\.\d+\./, '.99999999999999.'),
    ]) {
      const response = await postJson(url, body, bearer(token));
      expect(response.status).toBe(401);
      expect((await errorOf(response)).code).toBe('unauthorized');
    }
    // Signed with another secret.
    const foreignSigner = createTokenSigner(
      deriveKeys('another-secret-that-is-long-enough-000000').tokens,
      DAY,
      Date.now,
    );
    const foreign = await postJson(url, body, bearer(foreignSigner.issue(install.installId).token));
    expect(foreign.status).toBe(401);

    // Another install's token for this install's id (a forged install id).
    const forged = await postJson(url, body, bearer(other.token));
    expect(forged.status).toBe(401);
    expect((await errorOf(forged)).code).toBe('unauthorized');

    // A validly signed token for an install the database does not have.
    const signer = createTokenSigner(deriveKeys(TEST_SECRET).tokens, DAY, Date.now);
    const ghost = signer.issue('never-registered-install');
    const ghostSync = await postJson(
      url,
      { installId: 'never-registered-install', events },
      bearer(ghost.token),
    );
    expect(ghostSync.status).toBe(401);
    expect((await errorOf(ghostSync)).message).toMatch(/not registered/);
    expect((await postJson(`${base}/v1/installs/renew`, '', bearer(ghost.token))).status).toBe(401);

    // Expired: 401 token_expired; renewing gives a new token for the same install.
    const later = 31 * DAY;
    const expired = await withClock(later, () => sync(base, install, events));
    expect(expired.status).toBe(401);
    expect((await errorOf(expired)).code).toBe('token_expired');
    const renewed = await withClock(later, () =>
      postJson(`${base}/v1/installs/renew`, '', bearer(install.token)),
    );
    expect(renewed.status).toBe(200);
    const fresh = (await renewed.json()) as RegisterResponse;
    expect(fresh.installId).toBe(install.installId);
    expect(fresh.expiresAt).toBeGreaterThan(Date.now() + later);
    const after = await withClock(later, () => sync(base, fresh, events));
    expect(after.status).toBe(200);
    expect(
      (await postJson(`${base}/v1/installs/renew`, { extra: 1 }, bearer(install.token))).status,
    ).toBe(400);
    expect((await postJson(`${base}/v1/installs/renew`, {}, bearer('garbage'))).status).toBe(401);
  });

  it('serves the tally with an ETag and answers If-None-Match with 304 until a vote moves it', async () => {
    const first = await fetch(`${base}/v1/tally`);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/"tally-\d+"$/);
    const unchanged = await fetch(`${base}/v1/tally`, { headers: { 'If-None-Match': etag ?? '' } });
    expect(unchanged.status).toBe(304);
    expect(await unchanged.text()).toBe('');

    await syncOk(base, await register(base), [vote(SKY)]);
    const moved = await fetch(`${base}/v1/tally`, { headers: { 'If-None-Match': etag ?? '' } });
    expect(moved.status).toBe(200);
    expect(moved.headers.get('etag')).not.toBe(etag);
  });

  it('allows extension origins, and only them, across origins', async () => {
    for (const origin of [
      'chrome-extension://abcdefghijklmnop',
      'moz-extension://6c1c3f7e-7a3b-4f1e-9c1d-91a5e0b0c0de',
    ]) {
      const preflight = await fetch(`${base}/v1/sync`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization, content-type',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
      expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
        'authorization',
      );
      const read = await fetch(`${base}/v1/tally`, { headers: { Origin: origin } });
      expect(read.headers.get('access-control-allow-origin')).toBe(origin);
    }
    const page = await fetch(`${base}/v1/tally`, { headers: { Origin: 'https://evil.example' } });
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers unknown routes with a JSON 404', async () => {
    for (const [method, path] of [
      ['GET', '/'],
      ['GET', '/v1/nothing'],
      ['DELETE', '/v1/tally'],
      ['GET', '/v1/sync'],
    ]) {
      const response = await fetch(`${base}${path}`, { method });
      expect(response.status).toBe(404);
      expect((await errorOf(response)).code).toBe('not_found');
    }
  });

  it('counts parallel syncs from many installs exactly', async () => {
    const before = (await tally(base)).tally;
    const installs = await Promise.all(Array.from({ length: 40 }, () => register(base)));
    const start = Date.now() - 120_000;
    // Each install votes, changes its mind a few times, in batches sent all at once.
    const plans = installs.map((install, i) => {
      const events = Array.from({ length: 1 + (i % 4) }, (_, k) => ({
        id: `par-${i}-${k}`,
        at: start + k * 1_000,
        choice: (i + k) % 2 === 0 ? SMOL : SKY,
      }));
      return { install, events };
    });
    await Promise.all(
      plans.flatMap(({ install, events }) => [
        ...events.map((event) => syncOk(base, install, [event])),
        syncOk(base, install, events),
      ]),
    );
    const expected = { ...before.counts };
    for (const { events } of plans) {
      const last = events.at(-1);
      if (last?.choice) expected[last.choice] += 1;
    }
    const after = (await tally(base)).tally;
    expect(after.counts).toEqual(expected);
    expect(after.total).toBe(before.total + installs.length);
    expect((await checkIntegrity(db)).ok).toBe(true);
  });

  it('reports the database in /healthz, and answers 503 when it is gone', async () => {
    const healthy = await fetch(`${base}/healthz`);
    expect(healthy.status).toBe(200);
    expect(await healthy.json()).toMatchObject({ database: 'up', driver: backend });

    // A second app over a database that then closes.
    let broken: Database;
    let folder: string | undefined;
    if (backend === 'pglite') {
      folder = mkdtempSync(join(tmpdir(), 'glimpse-votes-broken-'));
      cpSync(inject('pgliteTemplate'), folder, { recursive: true });
      broken = await openPglite(folder);
    } else {
      broken = await openDatabase(testConfig(storage));
    }
    const install = await register(base);
    const config = testConfig(storage);
    const dead = await serveService(broken, config, {
      secret: TEST_SECRET,
      secretSource: 'test',
      ownsDatabase: false,
    });
    await broken.close();
    try {
      const down = await fetch(`${dead.url}/healthz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ database: 'down', error: { code: 'unavailable' } });
      const syncing = await sync(dead.url, install, [vote(SMOL)]);
      expect(syncing.status).toBe(503);
      expect((await errorOf(syncing)).code).toBe('unavailable');
      expect(syncing.headers.get('retry-after')).toBeTruthy();
    } finally {
      await dead.stop();
      if (folder) rmSync(folder, { recursive: true, force: true });
    }
  });

  it('limits floods with 429 and Retry-After: registrations per network, syncs per install', async () => {
    const limits = testConfig(storage, {
      GLIMPSE_REGISTER_LIMIT: '2',
      GLIMPSE_CHALLENGE_LIMIT: '4',
      GLIMPSE_SYNC_LIMIT: '3',
    });
    const strict = await serveService(db, limits, {
      secret: TEST_SECRET,
      secretSource: 'test',
      ownsDatabase: false,
    });
    try {
      const altchas = await Promise.all([
        solvedAltcha(strict.url),
        solvedAltcha(strict.url),
        solvedAltcha(strict.url),
      ]);
      const responses = [];
      for (const altcha of altchas)
        responses.push(await postJson(`${strict.url}/v1/installs`, { altcha }));
      expect(responses.map((r) => r.status)).toEqual([201, 201, 429]);
      const flooded = responses[2] as Response;
      expect(Number(flooded.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await errorOf(flooded)).toMatchObject({
        code: 'rate_limited',
        message: expect.stringMatching(/registrations/),
      });
      // The challenge endpoint has its own (higher) limit: 3 used, 1 left.
      expect((await fetch(`${strict.url}/v1/installs/challenge`)).status).toBe(200);
      expect((await fetch(`${strict.url}/v1/installs/challenge`)).status).toBe(429);

      const one = (await responses[0]?.json()) as RegisterResponse;
      const two = (await responses[1]?.json()) as RegisterResponse;
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await sync(strict.url, one, [vote(SMOL)])).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      // Another install is not held back by the first one's flood.
      expect((await sync(strict.url, two, [vote(SKY)])).status).toBe(200);
    } finally {
      await strict.stop();
    }
  });

  it('trusts X-Forwarded-For only when TRUST_PROXY says so', async () => {
    const limitsEnv = { GLIMPSE_CHALLENGE_LIMIT: '1' };
    const direct = await serveService(db, testConfig(storage, limitsEnv), {
      secret: TEST_SECRET,
      secretSource: 'test',
      ownsDatabase: false,
    });
    const proxied = await serveService(
      db,
      testConfig(storage, { ...limitsEnv, TRUST_PROXY: '1' }),
      {
        secret: TEST_SECRET,
        secretSource: 'test',
        ownsDatabase: false,
      },
    );
    try {
      const get = (url: string, forwardedFor: string) =>
        fetch(`${url}/v1/installs/challenge`, {
          headers: { 'X-Forwarded-For': forwardedFor },
        }).then((r) => r.status);
      // Without a trusted proxy, a client cannot escape its limit by writing the header.
      expect([await get(direct.url, '203.0.113.1'), await get(direct.url, '203.0.113.2')]).toEqual([
        200, 429,
      ]);
      // Behind one proxy, the address it appended is the client's.
      expect([
        await get(proxied.url, '203.0.113.1'),
        await get(proxied.url, '198.51.100.7, 203.0.113.2'),
      ]).toEqual([200, 200]);
      expect(await get(proxied.url, '203.0.113.1')).toBe(429);
      // One IPv6 /64 is one client.
      expect(await get(proxied.url, '2001:db8:1:2::1')).toBe(200);
      expect(await get(proxied.url, '2001:db8:1:2:ffff::9')).toBe(429);
      expect(await get(proxied.url, '2001:db8:1:3::1')).toBe(200);
    } finally {
      await direct.stop();
      await proxied.stop();
    }
  });
});
