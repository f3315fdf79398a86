import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { type Database, runnerOf } from './database';
import { acquireDataDirLock } from './lock-file';
import { MIGRATIONS_FOLDER } from './migrations-folder';

/** The PGlite files live in this subfolder of the data folder, beside the lock and the secret. */
export const PGLITE_SUBFOLDER = 'pglite';

/**
 * The embedded default: PGlite (Postgres in WASM) in `dataDir`.
 *
 * - PGlite takes no lock on its folder and two processes on one folder corrupt it, so this
 *   takes a lock file first and fails with a sentence when another server holds it.
 * - PGlite runs Postgres with fsync off: a write is in the OS's page cache when its transaction
 *   commits, so a killed process loses nothing acknowledged, but a power loss can.
 * - PGlite runs one statement at a time, so concurrent requests queue (safely) on it.
 */
export async function openPglite(dataDir: string): Promise<Database> {
  mkdirSync(dataDir, { recursive: true });
  const lock = acquireDataDirLock(dataDir);
  const folder = join(dataDir, PGLITE_SUBFOLDER);
  let client: PGlite | undefined;
  try {
    client = await PGlite.create(folder);
    const db = drizzle({ client });
    await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    const opened = client;
    const base = runnerOf(db);
    return {
      driver: 'pglite',
      location: folder,
      rows: base.rows,
      transaction: (work) => db.transaction((tx) => work(runnerOf(tx))),
      async close() {
        try {
          await opened.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    await client?.close().catch(() => undefined);
    lock.release();
    throw error;
  }
}
