import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Database, SqlRunner } from './database';
import { acquireDataDirLock } from './lock-file';
import { MIGRATIONS_FOLDER } from './migrations-folder';
import type { ThreadReply, ThreadRequest, ThreadSetup } from './pglite-messages';

/** The PGlite files live in this subfolder of the data folder, beside the lock and the secret. */
export const PGLITE_SUBFOLDER = 'pglite';

/**
 * PGlite's WASM, compiled once per process and handed to each thread (a compiled module is
 * shared, not copied), so a second database in one process does not compile it again.
 */
let compiled: Promise<WebAssembly.Module> | undefined;
const pgliteWasm = () =>
  (compiled ??= readFile(
    createRequire(import.meta.url).resolve('@electric-sql/pglite/pglite.wasm'),
  ).then((bytes) => WebAssembly.compile(bytes)));

const THREAD_MODULE = pathToFileURL(resolve(import.meta.dirname, 'pglite-thread.ts')).href;
// The thread loads its TypeScript through tsx, whether the service runs under tsx or vitest.
const BOOTSTRAP = `
  const { workerData } = require('node:worker_threads');
  import('tsx/esm/api').then(({ register }) => { register(); return import(workerData.module); });
`;

type Request = ThreadRequest extends infer R
  ? R extends { id: number }
    ? Omit<R, 'id'>
    : never
  : never;

/**
 * The embedded default: PGlite (Postgres in WASM) in `dataDir`, in a thread of its own.
 *
 * - PGlite takes no lock on its folder and two processes on one folder corrupt it, so this
 *   takes a lock file first and fails with a sentence when another server holds it.
 * - PGlite runs Postgres with fsync off: a write is in the OS's page cache when its transaction
 *   commits, so a killed process loses nothing acknowledged, but a power loss can.
 * - PGlite runs each statement synchronously, one at a time. In its own thread it does not hold
 *   up the HTTP side, which reads and answers requests meanwhile (with the group commit, one
 *   statement serves many syncs).
 * - A new WAL segment is not filled with zeros first: that 16 MB write stalled PGlite by over
 *   100 ms every ~15,000 syncs (measured), and with fsync off the zeros protect nothing.
 * The SQL is drizzle's, rendered here and run by PGlite there; the migrations are drizzle's.
 */
export async function openPglite(dataDir: string): Promise<Database> {
  mkdirSync(dataDir, { recursive: true });
  const lock = acquireDataDirLock(dataDir);
  const folder = join(dataDir, PGLITE_SUBFOLDER);
  const setup: ThreadSetup & { module: string } = {
    folder,
    wasmModule: await pgliteWasm(),
    migrationsFolder: MIGRATIONS_FOLDER,
    postgresqlconf: ['wal_init_zero = off'],
    module: THREAD_MODULE,
  };
  const thread = new Worker(BOOTSTRAP, { eval: true, workerData: setup, execArgv: [] });

  const waiting = new Map<
    number,
    { resolve: (reply: ThreadReply) => void; reject: (e: Error) => void }
  >();
  let nextId = 1;
  let gone: Error | undefined;
  const fail = (error: Error) => {
    gone ??= error;
    for (const { reject } of waiting.values()) reject(gone);
    waiting.clear();
  };
  thread.on('message', (reply: ThreadReply) => {
    const waiter = waiting.get(reply.id);
    waiting.delete(reply.id);
    waiter?.resolve(reply);
  });
  let closing: Promise<void> | undefined;
  thread.on('error', (error) => fail(error));
  thread.on('exit', (code) => {
    if (!closing) {
      console.error(
        `PGlite's thread stopped (exit code ${code}): the service answers 503 until it is restarted.`,
      );
    }
    fail(new Error('PGlite is closed'));
  });

  const ready = new Promise<ThreadReply>((resolveReady, rejectReady) => {
    waiting.set(0, { resolve: resolveReady, reject: rejectReady });
  });
  const send = (request: Request): Promise<ThreadReply & { error?: undefined }> => {
    if (gone) return Promise.reject(gone);
    const id = nextId++;
    return new Promise((resolveReply, rejectReply) => {
      waiting.set(id, {
        resolve: (reply) => {
          if (reply.error)
            rejectReply(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
          else resolveReply(reply);
        },
        reject: rejectReply,
      });
      thread.postMessage({ ...request, id });
    });
  };

  try {
    const opened = await ready;
    if (opened.error) throw new Error(`PGlite could not open ${folder}: ${opened.error.message}`);
  } catch (error) {
    await thread.terminate();
    lock.release();
    throw error;
  }

  const dialect = new PgDialect();
  const runner = (transaction?: number): SqlRunner => ({
    async rows<Row extends Record<string, unknown>>(query: SQL): Promise<Row[]> {
      const { sql: text, params } = dialect.sqlToQuery(query);
      const reply = await send({ type: 'query', text, params, transaction });
      return reply.rows as Row[];
    },
  });
  const base = runner();
  return {
    driver: 'pglite',
    location: folder,
    rows: base.rows,
    async transaction(work) {
      const { transaction } = await send({ type: 'begin' });
      if (transaction === undefined) throw new Error('PGlite did not begin a transaction.');
      let result: Awaited<ReturnType<typeof work>>;
      try {
        result = await work(runner(transaction));
      } catch (error) {
        await send({ type: 'end', transaction, commit: false }).catch(() => undefined);
        throw error;
      }
      await send({ type: 'end', transaction, commit: true });
      return result;
    },
    close() {
      closing ??= (async () => {
        try {
          if (!gone) await send({ type: 'close' });
          await thread.terminate();
        } finally {
          lock.release();
        }
      })();
      return closing;
    },
  };
}
