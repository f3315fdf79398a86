/// <reference types="chrome" />
/**
 * Where the CPU goes while Glimpse decodes: asks follow-ups of 128 tokens on the shape-faithful
 * model (the image already in the KV cache, so the window is almost all decode) and reads every
 * Chromium thread's CPU time from /proc before and after. Beside it, the engine's own split of
 * each token (onnxruntime's runs, the decoder's alone). Linux only.
 *
 *   GLIMPSE_BENCH=1 npx wxt build && node --import tsx bench/probe-decode-cpu.ts [--asks 3]
 *
 * Writes bench/results/<date>-decode-cpu[-first-turns].json.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openProbeSession, PROBE_IMAGE } from './lib/probe-session';
import { decoderShape } from './lib/shape-model';

const ROOT = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    extension: { type: 'string', default: join(ROOT, '.output/bench/chrome-mv3') },
    asks: { type: 'string', default: '3' },
    // Each measured ask a first turn (a new conversation, image and question, as the bench's
    // decode figure) instead of a follow-up.
    'first-turns': { type: 'boolean', default: false },
  },
});
const log = (line: string) => console.log(`[decode-cpu] ${line}`);
const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU ms of every thread of every Chromium process, keyed "process type / thread name / tid". */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!/chrom/i.test(cmdline.split('\0')[0] ?? '')) continue;
    const type = /--type=([\w-]+)/.exec(cmdline)?.[1] ?? 'browser';
    const extension = cmdline.includes('--extension-process') ? ' (extension)' : '';
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
        out.set(`${type}${extension} ${pid} / ${name} / ${tid}`, ticks * TICK_MS);
      } catch {}
    }
  }
  return out;
}

/**
 * CPU ms per second of wall time on the extension renderer's thread-pool threads: V8's
 * background work (garbage collection, compiles), beside onnxruntime's own threads.
 */
function backgroundCpuPerSecond(used: readonly (readonly [string, number])[], wallMs: number) {
  const ms = used
    .filter(([key]) => key.includes('(extension)') && key.includes('ThreadPoolForeg'))
    .reduce((sum, [, cpu]) => sum + cpu, 0);
  return Math.round((ms * 1000) / wallMs);
}

/** Threads that used at least 50 ms of CPU between two readings, busiest first. */
function diff(before: Map<string, number>, after: Map<string, number>) {
  return [...after.entries()]
    .map(([key, ms]) => [key, ms - (before.get(key) ?? 0)] as const)
    .filter(([, ms]) => ms >= 50)
    .sort((a, b) => b[1] - a[1]);
}

const { model, mirror, page, dispose } = await openProbeSession(args.extension, log);
try {
  let conversation = 0;
  const ask = (question: string, withImage: boolean, maxNewTokens: number) =>
    page.evaluate((t) => globalThis.glimpseBench.askOurs(t), {
      requestId: crypto.randomUUID(),
      conversationId: `probe-${withImage ? ++conversation : conversation}`,
      question,
      ...(withImage ? { image: PROBE_IMAGE } : {}),
      maxNewTokens,
    });
  const first = await ask('Describe this image in detail.', true, 4); // loads, reads the image
  // Tokens in the conversation's cache when each follow-up starts.
  let contextTokens = (first.stats?.promptTokens ?? 0) + (first.stats?.newTokens ?? 0);
  const records: unknown[] = [];
  for (let i = 0; i < Number(args.asks); i++) {
    const before = threadCpu();
    const started = Date.now();
    const firstTurn = args['first-turns'] ?? false;
    const result = firstTurn
      ? await ask('Describe this image in detail.', true, 128)
      : await ask(`Tell me more, part ${i + 1}.`, false, 128);
    const wallMs = Date.now() - started;
    const used = diff(before, threadCpu());
    const total = used.reduce((sum, [, ms]) => sum + ms, 0);
    const p = result.stats?.decodeProfile;
    log(
      `ask ${i + 1}: ${result.stats?.newTokens} tokens in ${wallMs} ms wall, ${result.stats?.tokensPerSecond.toFixed(1)} tok/s; per token ${p?.msPerToken.toFixed(1)} ms, onnxruntime ${p?.ortMsPerToken.toFixed(1)}, decoder ${p?.decoderMsPerToken.toFixed(1)}; CPU ${total} ms (${(total / wallMs).toFixed(2)} cores)`,
    );
    for (const [key, ms] of used) log(`    ${String(ms).padStart(6)} ms  ${key}`);
    // The raw decoder loop, in a worker of the same page, from where our decode started (the
    // cache before this turn plus the turn's own prompt) and on the engine's threads.
    const turnPrompt = result.stats?.promptTokens ?? 0;
    const decodeFrom = firstTurn ? turnPrompt : contextTokens + turnPrompt;
    const rawBefore = threadCpu();
    const rawStarted = Date.now();
    const raw = await page.evaluate(
      ({ o }) => globalThis.glimpseBench.rawDecodeInWorker('plain', o),
      {
        o: {
          decoderUrl: `${mirror.host}${model.id}/resolve/main/onnx/decoder_model_merged_quantized.onnx`,
          threads: result.stats?.threads ?? 1,
          pastTokens: decodeFrom,
          steps: 128,
          ...decoderShape(model.dir),
        },
      },
    );
    const rawWallMs = Date.now() - rawStarted;
    const rawUsed = diff(rawBefore, threadCpu());
    const rawTotal = rawUsed.reduce((sum, [, ms]) => sum + ms, 0);
    log(
      `raw loop in a worker from ${decodeFrom} tokens: median ${raw.medianMsPerStep.toFixed(1)} ms/step, ${raw.tokensPerSecond.toFixed(1)} tok/s; ${rawWallMs} ms wall with the session load; CPU ${rawTotal} ms (${(rawTotal / rawWallMs).toFixed(2)} cores)`,
    );
    for (const [key, ms] of rawUsed) log(`    ${String(ms).padStart(6)} ms  ${key}`);
    records.push({
      decodeFromTokens: decodeFrom,
      firstTurn,
      glimpse: {
        tokensPerSecond: result.stats?.tokensPerSecond,
        decodeProfile: p,
        wallMs,
        backgroundCpuMsPerSecond: backgroundCpuPerSecond(used, wallMs),
        cpuMs: Object.fromEntries(used),
      },
      rawWorker: {
        tokensPerSecond: raw.tokensPerSecond,
        medianMsPerStep: raw.medianMsPerStep,
        meanMsPerStep: 1000 / raw.tokensPerSecond,
        wallMsWithLoad: rawWallMs,
        // Its window includes the session load, which also runs on those threads.
        backgroundCpuMsPerSecond: backgroundCpuPerSecond(rawUsed, rawWallMs),
        cpuMs: Object.fromEntries(rawUsed),
      },
    });
    contextTokens = decodeFrom + (result.stats?.newTokens ?? 0);
  }
  const date = new Date().toISOString();
  const file = join(
    ROOT,
    'bench/results',
    `${date.slice(0, 10)}-decode-cpu${args['first-turns'] ? '-first-turns' : ''}.json`,
  );
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const machine = `${cpus()[0]?.model} (${cpus().length} cores)`;
  writeFileSync(file, `${JSON.stringify({ date, machine, model: model.id, records }, null, 2)}\n`);
  log(`wrote ${file}`);
} finally {
  await dispose();
}
