import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  runVoteServerToFailure,
  spawnVoteServer,
  type VoteServerProcess,
} from '../../scripts/lib/vote-server';
import type { ToolId } from '../../src/verdicts/comparison';
import type { RegisterResponse, SyncEvent, SyncResponse } from '../../src/verdicts/sync-protocol';
import type { Database } from '../db/database';
import { type AcknowledgedEvent, checkIntegrity } from '../db/integrity';
import { LOCK_FILE_NAME } from '../db/lock-file';
import { openPglite } from '../db/pglite';
import { openPostgres } from '../db/postgres';
import { register, SKY, SMOL, sync, syncOk, tally } from './support/client';
import { BACKENDS, type FreshStorage, freshStorage, TEST_ENV } from './support/storage';

/** The real server, `node --import tsx server/main.ts`, in child processes. */

const running: VoteServerProcess[] = [];
const storages: FreshStorage[] = [];

async function start(env: Record<string, string>): Promise<VoteServerProcess> {
  const server = await spawnVoteServer(env);
  running.push(server);
  return server;
}

async function storageFor(backend: (typeof BACKENDS)[number]): Promise<FreshStorage> {
  const storage = await freshStorage(backend);
  storages.push(storage);
  return storage;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.kill()));
  for (const storage of storages.splice(0)) storage.cleanup();
});

/** Opens the store directly (no server running) to check it. */
async function openStore(storage: FreshStorage): Promise<Database> {
  return storage.databaseUrl
    ? openPostgres({ url: storage.databaseUrl, poolSize: 2 })
    : openPglite(storage.dataDir);
}

/** One install's ledger: its events in order, and how many the service acknowledged. */
interface Voter {
  install: RegisterResponse;
  events: (SyncEvent & { choice: ToolId | null })[];
  acked: number;
}

function makeVoter(install: RegisterResponse, count: number, index: number): Voter {
  const start = Date.now() - 30 * 60_000;
  const events = Array.from({ length: count }, (_, k) => ({
    id: `v${index}-${String(k).padStart(3, '0')}`,
    at: start + k * 1_000,
    choice: ((index * 7 + k * 3) % 5 < 2
      ? SMOL
      : (index + k) % 4 === 0
        ? null
        : SKY) as ToolId | null,
  }));
  return { install, events, acked: 0 };
}

/**
 * Syncs each voter's pending events the way the extension does: a few at a time, in order,
 * marking them acknowledged only from a 200's ackedThrough. Stops a voter at the first network
 * error (the server died).
 */
async function syncAll(base: string, voters: Voter[]): Promise<void> {
  await Promise.all(
    voters.map(async (voter, index) => {
      while (voter.acked < voter.events.length) {
        const size = 1 + ((voter.acked + index) % 3);
        const batch = voter.events.slice(voter.acked, voter.acked + size);
        let response: Response;
        try {
          response = await sync(base, voter.install, batch);
        } catch {
          return;
        }
        if (response.status !== 200)
          throw new Error(`sync: ${response.status} ${await response.text()}`);
        const { ackedThrough } = (await response.json()) as SyncResponse;
        voter.acked = voter.events.findIndex((e) => e.id === ackedThrough) + 1;
      }
    }),
  );
}

function acknowledged(voters: Voter[]): AcknowledgedEvent[] {
  return voters.flatMap((voter) =>
    voter.events
      .slice(0, voter.acked)
      .map((event) => ({ installId: voter.install.installId, eventId: event.id })),
  );
}

/** Each install's newest event counts: the tally the store must hold when all have synced. */
function expectedCounts(voters: Voter[]): Record<ToolId, number> {
  const counts = { [SMOL]: 0, [SKY]: 0 } as Record<ToolId, number>;
  for (const voter of voters) {
    const last = voter.events.at(-1)?.choice;
    if (last) counts[last] += 1;
  }
  return counts;
}

describe.each(BACKENDS)('the server process on %s', (backend) => {
  it('keeps every acknowledged event and its tokens through a SIGKILL mid-load and a restart, counting none twice', async () => {
    const EVENTS_PER_VOTER = 30;
    const storage = await storageFor(backend);
    // No GLIMPSE_SECRET: the token secret is the file the first start makes in the data folder.
    const { GLIMPSE_SECRET: _fromEnv, ...withoutSecret } = TEST_ENV;
    const env = { ...withoutSecret, ...storage.env };
    const first = await start(env);
    const installs = await Promise.all(Array.from({ length: 16 }, () => register(first.url)));
    const voters = installs.map((install, i) => makeVoter(install, EVENTS_PER_VOTER, i));

    if (backend === 'pglite') {
      // The lock file: a second server on the same folder fails with a sentence.
      const second = await runVoteServerToFailure(env);
      expect(second.code).toBe(1);
      expect(second.output).toContain(`Another Glimpse vote server (pid ${first.pid} on`);
      expect(second.output).toContain(`is using the data folder ${storage.dataDir}`);
      expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    }

    const load = syncAll(first.url, voters);
    // Kill it while syncs are in flight: after some have been acknowledged, long before all.
    while (acknowledged(voters).length < 80) await new Promise((r) => setTimeout(r, 5));
    await first.kill();
    await load;
    const ackedBeforeKill = acknowledged(voters);
    expect(ackedBeforeKill.length).toBeLessThan(voters.length * EVENTS_PER_VOTER);

    // Right after the kill (its lock left behind): everything acknowledged is there, and the
    // counters match the ballots.
    let store = await openStore(storage);
    const afterKill = await checkIntegrity(store, ackedBeforeKill);
    await store.close();
    expect(afterKill).toMatchObject({ ok: true, lostEvents: 0, doubleCounted: 0, undercounted: 0 });

    // Restarted, the clients resend what was never acknowledged (some of it stored already),
    // with the tokens the first process gave them.
    const second = await start(env);
    await syncAll(second.url, voters);
    expect(voters.every((voter) => voter.acked === voter.events.length)).toBe(true);
    const served = (await tally(second.url)).tally;
    // A clean stop: exit code 0, the lock released, the secret kept.
    expect(await second.stop()).toBe(0);
    expect(existsSync(join(storage.dataDir, LOCK_FILE_NAME))).toBe(false);
    expect(existsSync(join(storage.dataDir, 'secret'))).toBe(true);

    store = await openStore(storage);
    const final = await checkIntegrity(store, acknowledged(voters));
    await store.close();
    expect(final).toMatchObject({ ok: true, lostEvents: 0, duplicateEvents: 0, doubleCounted: 0 });
    expect(final.storedEvents).toBe(voters.length * EVENTS_PER_VOTER);
    expect(final.counters.counts).toEqual(expectedCounts(voters));
    expect(served).toEqual(final.counters);
  });
});

describe('two server processes against one PostgreSQL', () => {
  it('accept each other’s tokens and count the same', async () => {
    const storage = await storageFor('postgres');
    // The default tally cache (1 s): each process may serve a tally at most that old.
    const { GLIMPSE_TALLY_CACHE_MS: _uncached, ...env } = { ...TEST_ENV, ...storage.env };
    const [a, b] = await Promise.all([start(env), start(env)]);
    if (!a || !b) throw new Error('Two servers were not started.');
    const installs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => register(i % 2 === 0 ? a.url : b.url)),
    );
    const voters = installs.map((install, i) => makeVoter(install, 12, i));
    // Every install syncs through both: half its batches to each, and some to both at once.
    await Promise.all(
      voters.map(async (voter, i) => {
        for (let k = 0; k < voter.events.length; k += 3) {
          const batch = voter.events.slice(k, k + 3);
          const servers = k % 2 === 0 ? [a, b] : [(i + k) % 2 === 0 ? a : b];
          const answers = await Promise.all(
            servers.map((s) => syncOk(s.url, voter.install, batch)),
          );
          for (const answer of answers) expect(answer.ackedThrough).toBe(batch.at(-1)?.id);
        }
        voter.acked = voter.events.length;
      }),
    );
    await new Promise((r) => setTimeout(r, 1_100));
    const [fromA, fromB] = await Promise.all([tally(a.url), tally(b.url)]);
    expect(fromA.tally).toEqual(fromB.tally);
    expect(fromA.tally.counts).toEqual(expectedCounts(voters));

    const store = await openStore(storage);
    const report = await checkIntegrity(store, acknowledged(voters));
    await store.close();
    expect(report).toMatchObject({ ok: true, storedEvents: voters.length * 12 });
    expect(report.counters).toEqual(fromA.tally);
  });
});
