import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNetworkHasher, networkOf } from '../client-network';
import { ConfigError, readConfig } from '../config';
import { acquireDataDirLock, DataDirLockedError, LOCK_FILE_NAME } from '../db/lock-file';
import type { SyncBatchResult, SyncWork } from '../db/votes-store';
import { createSyncBatcher } from '../sync-batcher';
import { createTallyCache } from '../tally-cache';
import { createTokenSigner } from '../tokens';

/** The service's parts that need no database. */

const EMPTY_TALLY = { counts: { 'smolvlm2-2b': 0, 'skypilot-research-agents': 0 }, total: 0 };

describe('tokens', () => {
  const key = Buffer.alloc(32, 7);

  it('are checked by signature, carry their install, and say when they expired', () => {
    let clock = 1_000_000;
    const signer = createTokenSigner(key, 60_000, () => clock);
    const { token, expiresAt } = signer.issue('install-1');
    expect(expiresAt).toBe(1_060_000);
    expect(signer.check(token)).toEqual({
      valid: true,
      installId: 'install-1',
      expiresAt,
      expired: false,
    });
    clock = 1_060_000;
    expect(signer.check(token)).toMatchObject({ valid: true, expired: true });

    const [prefix, id, expiry, signature] = token.split('.');
    for (const forged of [
      `${prefix}.install-2.${expiry}.${signature}`,
      `${prefix}.${id}.${Number(expiry) + 1}.${signature}`,
      `g2.${id}.${expiry}.${signature}`,
      `${token}.extra`,
      '',
    ]) {
      expect(signer.check(forged)).toEqual({ valid: false });
    }
    expect(createTokenSigner(Buffer.alloc(32, 8), 60_000, () => clock).check(token)).toEqual({
      valid: false,
    });
  });
});

describe('client networks', () => {
  it('are an IPv4 address, or an IPv6 /64 however it is written', () => {
    expect(networkOf('203.0.113.9')).toBe('203.0.113.9');
    expect(networkOf('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(networkOf('2001:db8::1')).toBe('2001:0db8:0000:0000::/64');
    expect(networkOf('2001:0db8:0:0:ffff::2')).toBe(networkOf('2001:db8::1'));
    expect(networkOf('2001:db8:0:1::1')).not.toBe(networkOf('2001:db8::1'));
  });

  it('are hashed with a salt that rotates, never kept as they are', () => {
    let clock = 0;
    const hash = createNetworkHasher(1_000, () => clock);
    const first = hash('203.0.113.9');
    expect(first).not.toContain('203');
    expect(hash('203.0.113.9')).toBe(first);
    expect(hash('203.0.113.10')).not.toBe(first);
    // Two hashers (two processes, or before and after a restart) share nothing.
    expect(createNetworkHasher(1_000, () => clock)('203.0.113.9')).not.toBe(first);
    clock = 1_000;
    expect(hash('203.0.113.9')).not.toBe(first);
  });
});

describe('the data folder lock', () => {
  const folders: string[] = [];
  const folder = () => {
    const made = mkdtempSync(join(tmpdir(), 'glimpse-lock-'));
    folders.push(made);
    return made;
  };
  afterEach(() => {
    for (const made of folders.splice(0)) rmSync(made, { recursive: true, force: true });
  });

  it('is held once, even within one process, and released', () => {
    const dir = folder();
    const lock = acquireDataDirLock(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8'))).toMatchObject({
      pid: process.pid,
    });
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
    expect(() => acquireDataDirLock(dir)).toThrow(
      `Another Glimpse vote server (pid ${process.pid} on`,
    );
    lock.release();
    acquireDataDirLock(dir).release();
  });

  it('takes over a lock whose process is gone, but not one from another host', () => {
    const dir = folder();
    // The pid of a process that has exited.
    const gone = Number(
      execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']),
    );
    writeFileSync(
      join(dir, LOCK_FILE_NAME),
      JSON.stringify({ pid: gone, host: hostname(), startedAt: 'then' }),
    );
    acquireDataDirLock(dir).release();

    writeFileSync(
      join(dir, LOCK_FILE_NAME),
      JSON.stringify({ pid: gone, host: 'elsewhere', startedAt: 'then' }),
    );
    expect(() => acquireDataDirLock(dir)).toThrow(/pid \d+ on elsewhere/);
  });
});

describe('the sync batcher (group commit)', () => {
  const work = (installId: string): SyncWork => ({
    installId,
    events: [{ id: `${installId}-e`, at: 1, choice: null }],
  });
  const result = (batch: readonly SyncWork[], version: number): SyncBatchResult => ({
    version,
    tally: EMPTY_TALLY,
    outcomes: batch.map((w) => ({ stored: true, ackedThrough: `${w.installId}-e` })),
  });

  it('sends one request at once, and the requests that wait meanwhile in one transaction', async () => {
    const batches: string[][] = [];
    let release: () => void = () => undefined;
    const batcher = createSyncBatcher(async (batch) => {
      batches.push(batch.map((w) => w.installId));
      if (batches.length === 1) await new Promise<void>((r) => (release = r));
      return result(batch, batches.length);
    }, 4);
    const answers = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id) => batcher.submit(work(id)));
    await new Promise((r) => setTimeout(r, 10));
    expect(batches).toEqual([['a']]);
    release();
    const settled = await Promise.all(answers);
    expect(batches).toEqual([['a'], ['b', 'c', 'd', 'e'], ['f', 'g']]);
    expect(settled.map((s) => s.outcome)).toEqual(
      ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id) => ({ stored: true, ackedThrough: `${id}-e` })),
    );
    expect(settled.map((s) => s.version)).toEqual([1, 2, 2, 2, 2, 3, 3]);
    await batcher.whenIdle();
  });

  it('retries a failed transaction request by request, so one bad request fails alone', async () => {
    let hold: () => void = () => undefined;
    let first = true;
    const batcher = createSyncBatcher(async (batch) => {
      if (first) {
        first = false;
        await new Promise<void>((r) => (hold = r));
      }
      if (batch.some((w) => w.installId === 'poison')) throw new Error('rejected by the database');
      return result(batch, 1);
    }, 10);
    const head = batcher.submit(work('head'));
    const rest = ['x', 'poison', 'y'].map((id) => batcher.submit(work(id)));
    hold();
    await head;
    const settled = await Promise.allSettled(rest);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    let idle = false;
    await batcher.whenIdle().then(() => (idle = true));
    expect(idle).toBe(true);
  });
});

describe('the tally cache', () => {
  it('reads once per TTL, shares a read in flight, and takes newer versions from syncs', async () => {
    let clock = 0;
    let reads = 0;
    let stored = { version: 1, tally: EMPTY_TALLY };
    const cache = createTallyCache(
      async () => {
        reads += 1;
        await new Promise((r) => setTimeout(r, 5));
        return stored;
      },
      1_000,
      () => clock,
    );
    const [a, b] = await Promise.all([cache.get(), cache.get()]);
    expect(reads).toBe(1);
    expect(a).toBe(b);
    expect(a.etag).toBe('W/"tally-1"');

    stored = {
      version: 2,
      tally: { counts: { 'smolvlm2-2b': 1, 'skypilot-research-agents': 0 }, total: 1 },
    };
    clock = 999;
    expect((await cache.get()).version).toBe(1);
    clock = 1_000;
    expect((await cache.get()).version).toBe(2);
    expect(reads).toBe(2);

    // A sync's own commit replaces it at once; an older snapshot never does.
    cache.offer({ version: 5, tally: EMPTY_TALLY });
    expect((await cache.get()).version).toBe(5);
    cache.offer({ version: 3, tally: EMPTY_TALLY });
    expect((await cache.get()).version).toBe(5);
    expect(JSON.parse((await cache.get()).body)).toEqual({ tally: EMPTY_TALLY, asOf: clock });
  });
});

describe('configuration', () => {
  it('turns down bad values with a sentence naming the variable', () => {
    expect(() => readConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => readConfig({ PORT: 'eighty' })).toThrow('PORT must be a whole number');
    expect(() => readConfig({ GLIMPSE_SECRET: 'short' })).toThrow('at least 32 characters');
    expect(() => readConfig({ TRUST_PROXY: 'yes' })).toThrow('TRUST_PROXY must be');
    expect(readConfig({ TRUST_PROXY: 'true' }).trustProxyHops).toBe(1);
    expect(readConfig({}).databaseUrl).toBeUndefined();
  });
});
