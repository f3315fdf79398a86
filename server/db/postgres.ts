import type { SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { type Database, type QueryOptions, runnerOf } from './database';
import { MIGRATIONS_FOLDER } from './migrations-folder';

/** Any fixed number: every server process takes this advisory lock around its migrations. */
const MIGRATION_LOCK_KEY = 4_242_017;

export interface PostgresOptions {
  url: string;
  /** Connections this process keeps; with several processes, their sum must fit max_connections. */
  poolSize: number;
}

function describe(url: string): string {
  try {
    const parsed = new URL(url);
    return `PostgreSQL at ${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}

/**
 * PostgreSQL through `pg`, for running any number of server processes against one database.
 * Several processes may start at once: the migrations run under an advisory lock, so only one
 * applies them and the others then find them applied.
 */
export async function openPostgres({ url, poolSize }: PostgresOptions): Promise<Database> {
  const migrator = new pg.Client({ connectionString: url });
  await migrator.connect();
  try {
    await migrator.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await migrate(drizzle({ client: migrator }), { migrationsFolder: MIGRATIONS_FOLDER });
    await migrator.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  } finally {
    await migrator.end();
  }

  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 5_000,
    // Appears in pg_stat_activity, to tell the service's connections apart.
    application_name: 'glimpse-votes',
  });
  // An idle connection dropped by the server is not a reason to crash; the pool replaces it.
  pool.on('error', () => undefined);
  const db = drizzle({ client: pool });
  const base = runnerOf(db);
  const dialect = new PgDialect();
  return {
    driver: 'postgres',
    location: describe(url),
    async rows<Row extends Record<string, unknown>>(query: SQL, options?: QueryOptions) {
      if (!options?.prepare) return base.rows<Row>(query);
      // The same SQL drizzle would send, as a named statement of node-postgres.
      const { sql: text, params } = dialect.sqlToQuery(query);
      return (await pool.query<Row>({ name: options.prepare, text, values: params })).rows;
    },
    transaction: (work) => db.transaction((tx) => work(runnerOf(tx))),
    close: () => pool.end(),
  };
}
