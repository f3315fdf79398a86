import type { SyncBatchResult, SyncOutcome, SyncWork, TallySnapshot } from './db/votes-store';

export interface SyncResult extends TallySnapshot {
  outcome: SyncOutcome;
}

interface Waiting {
  work: SyncWork;
  resolve: (result: SyncResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: sync requests that arrive while a transaction is running wait, and the next
 * transaction carries all of them (up to `maxPerTransaction`). One request alone goes at once,
 * so an idle service adds no delay; a busy one pays one commit for many requests. Every request
 * gets its answer only after the transaction holding its events has committed.
 *
 * If a transaction of several requests fails, each is retried alone, so one request the
 * database turns down cannot fail the others.
 */
export function createSyncBatcher(
  apply: (work: readonly SyncWork[]) => Promise<SyncBatchResult>,
  maxPerTransaction: number,
  /** Told each transaction's size and time (for the bench's figures). */
  onBatch: (requests: number, ms: number) => void = () => undefined,
) {
  const queue: Waiting[] = [];
  let running = false;
  let idle: Promise<void> = Promise.resolve();
  let markIdle: () => void = () => undefined;

  const settle = (batch: readonly Waiting[], result: SyncBatchResult) => {
    batch.forEach((waiting, index) => {
      const outcome = result.outcomes[index] ?? { stored: false };
      waiting.resolve({ version: result.version, tally: result.tally, outcome });
    });
  };

  const run = async (batch: Waiting[]) => {
    try {
      settle(batch, await apply(batch.map((w) => w.work)));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      for (const waiting of batch) await run([waiting]);
    }
  };

  const drain = async () => {
    running = true;
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, maxPerTransaction);
        const started = performance.now();
        await run(batch);
        onBatch(batch.length, performance.now() - started);
        // Under load, let the requests whose bytes arrived meanwhile reach the queue before the
        // next transaction starts (PGlite runs synchronously and holds the event loop while it
        // works); otherwise each transaction would carry only the one or two already parsed.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      running = false;
      markIdle();
    }
  };

  return {
    submit(work: SyncWork): Promise<SyncResult> {
      return new Promise<SyncResult>((resolve, reject) => {
        queue.push({ work, resolve, reject });
        if (!running) {
          idle = new Promise<void>((done) => {
            markIdle = done;
          });
          void drain();
        }
      });
    },
    /** Resolves once every submitted request has been answered (for shutdown). */
    whenIdle: (): Promise<void> => (running ? idle : Promise.resolve()),
  };
}
export type SyncBatcher = ReturnType<typeof createSyncBatcher>;
