import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { type AppEnv, createApp } from './app';
import { clientAddress, createNetworkHasher } from './client-network';
import type { ServiceConfig } from './config';
import type { Database } from './db/database';
import { openPglite } from './db/pglite';
import { openPostgres } from './db/postgres';
import { applySyncBatch, readTally } from './db/votes-store';
import { createProofOfWork } from './proof-of-work';
import { deriveKeys, loadMasterSecret } from './secrets';
import { createSyncBatcher, type SyncBatcher } from './sync-batcher';
import { createTallyCache } from './tally-cache';
import { createTokenSigner } from './tokens';

export interface RunningService {
  url: string;
  port: number;
  db: Database;
  /** Where the master secret came from: GLIMPSE_SECRET or the secret file's path. */
  secretSource: string;
  /** Stops taking requests, answers those under way, then closes the database (and its lock). */
  stop(): Promise<void>;
}

export function openDatabase(config: ServiceConfig): Promise<Database> {
  return config.databaseUrl
    ? openPostgres({ url: config.databaseUrl, poolSize: config.pgPoolSize })
    : openPglite(config.dataDir);
}

/** The service's app over an open database. It keeps no state that matters for correctness. */
export function buildService(
  db: Database,
  config: ServiceConfig,
  secret: string,
  now: () => number = Date.now,
): { app: Hono<AppEnv>; batcher: SyncBatcher } {
  const keys = deriveKeys(secret);
  const hashNetwork = createNetworkHasher(config.ipSaltRotateMs, now);
  const batcher = createSyncBatcher(
    (work) => applySyncBatch(db, work),
    config.maxSyncsPerTransaction,
    config.logBatches ? batchLogger() : undefined,
  );
  const app = createApp({
    db,
    tokens: createTokenSigner(keys.tokens, config.tokenTtlMs, now),
    pow: createProofOfWork({
      challengeSecret: keys.challenges,
      keySecret: keys.challengeKeys,
      cost: config.powCost,
      attempts: config.powAttempts,
      ttlMs: config.challengeTtlMs,
      now,
    }),
    batcher,
    tallyCache: createTallyCache(() => readTally(db), config.tallyCacheMs, now),
    networkOf: (c) => hashNetwork(clientAddress(c, config.trustProxyHops)),
    limits: config,
    now,
  });
  return { app, batcher };
}

/**
 * `GLIMPSE_LOG_BATCHES=1`: one line per 5 s with the group commit's figures and how long the
 * event loop was held up (PGlite runs in this thread), to see where a sync's time goes.
 */
function batchLogger(): (requests: number, ms: number) => void {
  let transactions = 0;
  let requests = 0;
  let busyMs = 0;
  let slowestMs = 0;
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  setInterval(() => {
    if (transactions > 0) {
      console.log(
        `batches: ${transactions} transactions, ${(requests / transactions).toFixed(1)} syncs each, ` +
          `${(busyMs / transactions).toFixed(1)} ms each, slowest ${slowestMs.toFixed(0)} ms; ` +
          `event loop delay p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms, max ${(loopDelay.max / 1e6).toFixed(0)} ms`,
      );
    }
    transactions = 0;
    requests = 0;
    busyMs = 0;
    slowestMs = 0;
    loopDelay.reset();
  }, 5_000).unref();
  return (size, ms) => {
    transactions += 1;
    requests += size;
    busyMs += ms;
    slowestMs = Math.max(slowestMs, ms);
  };
}

function listen(server: ServerType): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.once('listening', () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Serves `buildService` over HTTP; `stop` closes the database too when `ownsDatabase`. */
export async function serveService(
  db: Database,
  config: ServiceConfig,
  options: { secret: string; secretSource: string; ownsDatabase: boolean; now?: () => number },
): Promise<RunningService> {
  const { app, batcher } = buildService(db, config, options.secret, options.now);
  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port });
  const address = await listen(server);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    db,
    secretSource: options.secretSource,
    stop: () => {
      stopping ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Keep-alive connections with no request under way would hold close() open.
          if ('closeIdleConnections' in server) server.closeIdleConnections();
        });
        await batcher.whenIdle();
        if (options.ownsDatabase) await db.close();
      })();
      return stopping;
    },
  };
}

/** What `npm run server` runs: the secret, the database (migrated), then HTTP. */
export async function startVoteService(
  config: ServiceConfig,
  now: () => number = Date.now,
): Promise<RunningService> {
  const { secret, source } = loadMasterSecret(config.secret, config.dataDir);
  const db = await openDatabase(config);
  try {
    return await serveService(db, config, {
      secret,
      secretSource: source,
      ownsDatabase: true,
      now,
    });
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}
