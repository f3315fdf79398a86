import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import type { ThreadReply, ThreadRequest, ThreadSetup } from './pglite-messages';

/**
 * PGlite's own thread: it opens the database, runs the migrations, then runs what the service's
 * thread sends (statements, and transactions as begin … end), one at a time, as PGlite does.
 */
function parentOf(): MessagePort {
  if (!parentPort) throw new Error('pglite-thread runs as a worker thread only.');
  return parentPort;
}
const port = parentOf();
const setup = workerData as ThreadSetup;

const reply = (message: ThreadReply) => port.postMessage(message);
const failure = (id: number, error: unknown): ThreadReply => ({
  id,
  error: {
    message: error instanceof Error ? error.message : String(error),
    code: typeof error === 'object' && error && 'code' in error ? String(error.code) : undefined,
  },
});

interface OpenTransaction {
  tx: Transaction;
  /** Ends it: commit, or roll back. */
  finish: (commit: boolean) => void;
  /** Settles once PGlite has committed or rolled back. */
  settled: Promise<void>;
}

/** Thrown inside a transaction's callback to make PGlite roll it back. */
class RollbackRequested extends Error {}

async function main(): Promise<void> {
  let client: PGlite;
  try {
    client = await PGlite.create(setup.folder, {
      postgresqlconf: setup.postgresqlconf,
      pgliteWasmModule: setup.wasmModule,
    });
    await migrate(drizzle({ client }), { migrationsFolder: setup.migrationsFolder });
  } catch (error) {
    reply(failure(0, error));
    return;
  }
  reply({ id: 0, rows: [] });

  const transactions = new Map<number, OpenTransaction>();
  let nextTransaction = 1;

  /** Resolves once the transaction has begun (PGlite runs one at a time, so it may wait). */
  const begin = (id: number) =>
    new Promise<void>((begun, failed) => {
      let finish: (commit: boolean) => void = () => undefined;
      const decided = new Promise<boolean>((resolve) => {
        finish = resolve;
      });
      const settled = client
        .transaction(async (tx) => {
          // PGlite calls this after taking its lock, never synchronously: `done` is set by then.
          transactions.set(id, { tx, finish, settled: done });
          begun();
          if (!(await decided)) throw new RollbackRequested();
        })
        .then(() => undefined)
        .finally(() => transactions.delete(id));
      const done = settled.catch((error: unknown) => {
        if (!(error instanceof RollbackRequested)) throw error;
      });
      // A failure before the callback ran (PGlite closing) still answers.
      done.catch(failed);
    });

  port.on('message', async (request: ThreadRequest) => {
    try {
      switch (request.type) {
        case 'query': {
          const runner = request.transaction ? transactions.get(request.transaction)?.tx : client;
          if (!runner) throw new Error(`No open transaction ${request.transaction}.`);
          const result = await runner.query<Record<string, unknown>>(request.text, request.params);
          reply({ id: request.id, rows: result.rows });
          break;
        }
        case 'begin': {
          const id = nextTransaction++;
          await begin(id);
          reply({ id: request.id, rows: [], transaction: id });
          break;
        }
        case 'end': {
          const open = transactions.get(request.transaction);
          if (!open) throw new Error(`No open transaction ${request.transaction}.`);
          open.finish(request.commit);
          await open.settled;
          reply({ id: request.id, rows: [] });
          break;
        }
        case 'close': {
          await client.close();
          reply({ id: request.id, rows: [] });
          port.close();
          break;
        }
      }
    } catch (error) {
      reply(failure(request.id, error));
    }
  });
}

void main();
