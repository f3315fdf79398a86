import { resolve } from 'node:path';

/** Everything the service reads from its environment (see the README's "Vote service"). */
export interface ServiceConfig {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** PostgreSQL when set; PGlite in `dataDir` otherwise. */
  databaseUrl: string | undefined;
  /** PGlite's files, its lock, and the token secret when GLIMPSE_SECRET is not set. */
  dataDir: string;
  /** The master secret (tokens, challenges); read from `<dataDir>/secret` when unset. */
  secret: string | undefined;
  /** How many proxies in front of the service append to X-Forwarded-For; 0 trusts none. */
  trustProxyHops: number;
  /** PBKDF2 iterations per proof-of-work attempt. */
  powCost: number;
  /** Mean attempts a proof of work takes (the counter is drawn from ½× to 1½× this). */
  powAttempts: number;
  /** How long a challenge can be solved and spent. */
  challengeTtlMs: number;
  tokenTtlMs: number;
  /** Registrations per network (an IPv4 address or an IPv6 /64) per window. */
  registrationsPerWindow: number;
  /** Challenges per network per window (a challenge costs the service one PBKDF2 run). */
  challengesPerWindow: number;
  registrationWindowMs: number;
  /** Syncs per install per minute. */
  syncsPerMinute: number;
  /** How long one process serves a tally it read, unless one of its own syncs moved it. */
  tallyCacheMs: number;
  /** How often the salt of the IP hashes changes (old hashes then mean nothing). */
  ipSaltRotateMs: number;
  /** PostgreSQL connections per process. */
  pgPoolSize: number;
  /** Sync requests per transaction at most (group commit). */
  maxSyncsPerTransaction: number;
  /** Log the group commit's transactions (count, requests per transaction, time) every 5 s. */
  logBatches: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export const DEFAULT_DATA_DIR = resolve(import.meta.dirname, '.data');

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ConfigError(`${name} must be a whole number of at least ${min}; it is "${raw}".`);
  }
  return value;
}

function trustProxy(raw: string | undefined): number {
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return 0;
  if (raw === 'true') return 1;
  const hops = Number(raw);
  if (!Number.isSafeInteger(hops) || hops < 0) {
    throw new ConfigError(
      `TRUST_PROXY must be "true", "false" or the number of proxies in front of the service; it is "${raw}".`,
    );
  }
  return hops;
}

export function readConfig(env: Env): ServiceConfig {
  const secret = env.GLIMPSE_SECRET || undefined;
  if (secret !== undefined && secret.length < 32) {
    throw new ConfigError('GLIMPSE_SECRET must be at least 32 characters long.');
  }
  return {
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 8787, 0),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: resolve(env.GLIMPSE_DATA_DIR || DEFAULT_DATA_DIR),
    secret,
    trustProxyHops: trustProxy(env.TRUST_PROXY),
    powCost: integer(env, 'GLIMPSE_POW_COST', 5_000, 1),
    powAttempts: integer(env, 'GLIMPSE_POW_ATTEMPTS', 1_000, 2),
    challengeTtlMs: integer(env, 'GLIMPSE_CHALLENGE_TTL_S', 600, 10) * 1000,
    tokenTtlMs: integer(env, 'GLIMPSE_TOKEN_TTL_DAYS', 30, 1) * DAY,
    registrationsPerWindow: integer(env, 'GLIMPSE_REGISTER_LIMIT', 20, 1),
    challengesPerWindow: integer(env, 'GLIMPSE_CHALLENGE_LIMIT', 60, 1),
    registrationWindowMs: integer(env, 'GLIMPSE_REGISTER_WINDOW_S', 3600, 1) * 1000,
    syncsPerMinute: integer(env, 'GLIMPSE_SYNC_LIMIT', 60, 1),
    tallyCacheMs: integer(env, 'GLIMPSE_TALLY_CACHE_MS', 1_000, 0),
    ipSaltRotateMs: DAY,
    pgPoolSize: integer(env, 'GLIMPSE_PG_POOL_SIZE', 10, 1),
    maxSyncsPerTransaction: integer(env, 'GLIMPSE_SYNCS_PER_TRANSACTION', 256, 1),
    logBatches: env.GLIMPSE_LOG_BATCHES === '1',
  };
}
