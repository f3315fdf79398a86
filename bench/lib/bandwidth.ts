import { Worker } from 'node:worker_threads';

/**
 * Read bandwidth of this machine's memory: each thread compares two equal 256 MB buffers
 * (memcmp reads both, vectorised, so memory is the limit, not the CPU). Best of several passes.
 */
export async function measureReadBandwidth(threads: number, passes = 5): Promise<number> {
  const bytesPerBuffer = 256 * 1024 * 1024;
  const source = `
    const { parentPort } = require('node:worker_threads');
    const a = Buffer.alloc(${bytesPerBuffer}, 7);
    const b = Buffer.alloc(${bytesPerBuffer}, 7);
    parentPort.on('message', () => {
      Buffer.compare(a, b);
      parentPort.postMessage('done');
    });
    parentPort.postMessage('ready');
  `;
  const workers = Array.from({ length: threads }, () => new Worker(source, { eval: true }));
  const next = (w: Worker) => new Promise<void>((resolve) => w.once('message', () => resolve()));
  await Promise.all(workers.map(next));
  let best = 0;
  for (let pass = 0; pass < passes; pass++) {
    const started = process.hrtime.bigint();
    await Promise.all(
      workers.map((w) => {
        const done = next(w);
        w.postMessage('go');
        return done;
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    best = Math.max(best, (threads * 2 * bytesPerBuffer) / seconds);
  }
  await Promise.all(workers.map((w) => w.terminate()));
  return best;
}
