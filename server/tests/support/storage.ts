import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createDatabase } from '../../../scripts/lib/embedded-postgres';
import { readConfig, type ServiceConfig } from '../../config';

export const BACKENDS = ['pglite', 'postgres'] as const;
export type Backend = (typeof BACKENDS)[number];

/** Long enough for GLIMPSE_SECRET; tests that need another secret make their own. */
export const TEST_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

export interface FreshStorage {
  /** Environment for the service: a PGlite data folder, or a PostgreSQL database URL. */
  env: Record<string, string>;
  dataDir: string;
  databaseUrl: string | undefined;
  cleanup(): void;
}

/** An empty, migrated database of the given kind, for one suite. */
export async function freshStorage(backend: Backend): Promise<FreshStorage> {
  const dataDir = mkdtempSync(join(tmpdir(), 'glimpse-votes-'));
  const cleanup = () => rmSync(dataDir, { recursive: true, force: true });
  if (backend === 'pglite') {
    cpSync(inject('pgliteTemplate'), dataDir, { recursive: true });
    return { env: { GLIMPSE_DATA_DIR: dataDir }, dataDir, databaseUrl: undefined, cleanup };
  }
  const databaseUrl = await createDatabase(
    inject('postgresAdminUrl'),
    `votes_${randomBytes(6).toString('hex')}`,
  );
  return {
    env: { GLIMPSE_DATA_DIR: dataDir, DATABASE_URL: databaseUrl },
    dataDir,
    databaseUrl,
    cleanup,
  };
}

/** Settings for tests: a trivial proof of work, roomy rate limits, an uncached tally. */
export const TEST_ENV: Record<string, string> = {
  GLIMPSE_SECRET: TEST_SECRET,
  GLIMPSE_POW_COST: '1',
  GLIMPSE_POW_ATTEMPTS: '2',
  GLIMPSE_REGISTER_LIMIT: '100000',
  GLIMPSE_CHALLENGE_LIMIT: '100000',
  GLIMPSE_SYNC_LIMIT: '100000',
  GLIMPSE_TALLY_CACHE_MS: '0',
  GLIMPSE_PG_POOL_SIZE: '8',
};

export function testConfig(storage: FreshStorage, env: Record<string, string> = {}): ServiceConfig {
  return readConfig({ HOST: '127.0.0.1', PORT: '0', ...TEST_ENV, ...storage.env, ...env });
}
