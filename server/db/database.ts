import type { SQL } from 'drizzle-orm';

export type Driver = 'pglite' | 'postgres';

export interface QueryOptions {
  /**
   * Names a statement whose text never changes (only its parameters), so that PostgreSQL parses
   * and plans it once per connection. PGlite has no named statements and ignores it.
   */
  prepare?: string;
}

/** Runs one SQL statement (built with drizzle's `sql`, the same text on both drivers). */
export interface SqlRunner {
  rows<Row extends Record<string, unknown>>(query: SQL, options?: QueryOptions): Promise<Row[]>;
}

/**
 * The vote service's one database interface. Two adapters implement it, PGlite (embedded, the
 * default) and PostgreSQL (`pg`), over drizzle with the same migrations and the same SQL.
 */
export interface Database extends SqlRunner {
  readonly driver: Driver;
  /** Where the data lives, for logs: a folder, or a PostgreSQL host and database. */
  readonly location: string;
  /** Runs `work` in one transaction (READ COMMITTED); it commits when `work` resolves. */
  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** What both drizzle drivers' databases and transactions offer (their results carry `rows`). */
interface ExecutesSql {
  execute(query: SQL): PromiseLike<{ rows: Record<string, unknown>[] }>;
}

export function runnerOf(db: ExecutesSql): SqlRunner {
  return {
    async rows<Row extends Record<string, unknown>>(query: SQL): Promise<Row[]> {
      // The caller names the columns its SQL selects; the drivers return them as they are.
      return (await db.execute(query)).rows as Row[];
    },
  };
}
