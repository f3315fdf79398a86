import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LOCK_FILE_NAME } from '../../db/lock-file';
import { MIGRATIONS_FOLDER } from '../../db/migrations-folder';
import { openPglite } from '../../db/pglite';

const CACHE = resolve(import.meta.dirname, '../../../tests/.cache');

/** Changes when a migration or PGlite itself changes, so a stale template is never used. */
function templateKey(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(MIGRATIONS_FOLDER, { recursive: true }).map(String).sort()) {
    const path = join(MIGRATIONS_FOLDER, name);
    if (name.endsWith('.sql') || name.endsWith('.json'))
      hash.update(name).update(readFileSync(path));
  }
  const pglite = JSON.parse(
    readFileSync(
      resolve(import.meta.dirname, '../../../node_modules/@electric-sql/pglite/package.json'),
      'utf8',
    ),
  ) as { version: string };
  return `${pglite.version}-${hash.digest('hex').slice(0, 12)}`;
}

/**
 * A data folder made by the service's own `openPglite` (initdb, then the migrations), kept in
 * tests/.cache and copied by each suite.
 */
export async function preparePgliteTemplate(): Promise<string> {
  const name = `pglite-template-${templateKey()}`;
  const folder = join(CACHE, name);
  if (existsSync(join(folder, 'pglite'))) return folder;
  mkdirSync(CACHE, { recursive: true });
  // Templates of older migrations are no use any more.
  for (const entry of readdirSync(CACHE)) {
    if (entry.startsWith('pglite-template-'))
      rmSync(join(CACHE, entry), { recursive: true, force: true });
  }
  const draft = `${folder}.draft-${process.pid}`;
  rmSync(draft, { recursive: true, force: true });
  const db = await openPglite(draft);
  await db.close();
  rmSync(join(draft, LOCK_FILE_NAME), { force: true });
  renameSync(draft, folder);
  return folder;
}
