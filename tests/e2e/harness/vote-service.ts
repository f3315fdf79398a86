/// <reference types="chrome" />
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'playwright-core';
import { freePort } from '../../../scripts/lib/free-port';
import { spawnVoteServer, type VoteServerProcess } from '../../../scripts/lib/vote-server';
import { checkIntegrity, type IntegrityReport } from '../../../server/db/integrity';
import { openPglite } from '../../../server/db/pglite';
import { preparePgliteTemplate } from '../../../server/tests/support/pglite-template';
import type { VoteLedger } from '../../../src/verdicts/vote-ledger';
import type { Installs } from '../../../src/verdicts/vote-sync-storage';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy';
import { recordFigure } from './figures';

/** How long the service takes to start and stop here, recorded (not asserted) for the notes. */
const serviceTimings: { spawnMs: number[]; stopMs: number[] } = { spawnMs: [], stopMs: [] };
async function timed<T>(into: number[], work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    into.push(Math.round(performance.now() - start));
    recordFigure('vote-service-e2e', serviceTimings);
  }
}

/**
 * The real vote service (`npm run server`, server/main.ts) as a child process on a random
 * loopback port, PGlite in a temp folder (a copy of a migrated template: initdb in WASM takes
 * seconds), behind the fault proxy the extension is pointed at. It can be stopped, SIGKILLed
 * and started again on the same port and data, and its database checked afterwards.
 */
export interface TestVoteService {
  /** The proxy's address: what the extension is given in Options. */
  url: string;
  proxy: FaultProxy;
  dataDir: string;
  /** SIGTERM: the service finishes what it has, then exits. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data folder. */
  start(): Promise<void>;
  /** Stops it and checks its database from the events up (server/db/integrity.ts). */
  stopAndCheck(acknowledged: { installId: string; eventId: string }[]): Promise<IntegrityReport>;
  dispose(): Promise<void>;
}

/** Fast proof of work and roomy limits, so tests measure the extension and not the limits. */
const TEST_ENV: Record<string, string> = {
  GLIMPSE_POW_COST: '1',
  GLIMPSE_POW_ATTEMPTS: '2',
  GLIMPSE_REGISTER_LIMIT: '1000',
  GLIMPSE_CHALLENGE_LIMIT: '1000',
  GLIMPSE_SYNC_LIMIT: '10000',
  GLIMPSE_TALLY_CACHE_MS: '0',
};

export async function startTestVoteService(
  env: Record<string, string> = {},
): Promise<TestVoteService> {
  const template = await preparePgliteTemplate();
  const dataDir = mkdtempSync(join(tmpdir(), 'glimpse-votes-'));
  cpSync(template, dataDir, { recursive: true });
  const port = await freePort();
  const fullEnv = { ...TEST_ENV, ...env, GLIMPSE_DATA_DIR: dataDir, PORT: String(port) };
  const spawn = () => timed(serviceTimings.spawnMs, () => spawnVoteServer(fullEnv));
  let server: VoteServerProcess | null = await spawn();
  const proxy = await startFaultProxy(server.url);

  const stop = async () => {
    const running = server;
    if (running) await timed(serviceTimings.stopMs, () => running.stop());
    server = null;
  };
  return {
    url: proxy.url,
    proxy,
    dataDir,
    stop,
    async kill() {
      await server?.kill();
      server = null;
    },
    async start() {
      if (!server) server = await spawn();
    },
    async stopAndCheck(acknowledged) {
      await stop();
      const db = await openPglite(dataDir);
      try {
        return await checkIntegrity(db, acknowledged);
      } finally {
        await db.close();
      }
    },
    async dispose() {
      await server?.kill();
      server = null;
      await proxy.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The extension's ledger and installs, read from its storage in the service worker. */
export async function extensionVotes(
  sw: Worker,
): Promise<{ ledger: VoteLedger; installs: Installs }> {
  return sw.evaluate(async () => {
    const stored = await chrome.storage.local.get(['votes', 'vote-installs']);
    return { ledger: stored.votes, installs: stored['vote-installs'] } as {
      ledger: VoteLedger;
      installs: Installs;
    };
  });
}

/** Every event the service acknowledged to this extension, as the integrity check takes them. */
export function acknowledgedEvents({
  ledger,
  installs,
}: {
  ledger: VoteLedger;
  installs: Installs;
}) {
  const installId = installs.cursorOwner;
  if (!installId) return [];
  return ledger.events.slice(0, ledger.syncedCount).map((e) => ({ installId, eventId: e.id }));
}
