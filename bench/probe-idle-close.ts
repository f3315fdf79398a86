/// <reference types="chrome" />
/**
 * Why were answers slower for a while after the offscreen document closed? This probe asks the
 * same one-view 512-px question on the shape-faithful model, a few times in the first offscreen
 * document and then a few times after each close, and records every first-question TTFT and
 * decode speed. With `--trace` it also records a Chromium trace (V8's wasm categories) of the
 * first answer after a close, and counts the compile events in it. Beside each answer it records
 * the longest stall of the extension's shared main thread (the bench page's 10-ms timer).
 *
 *   node --import tsx bench/probe-idle-close.ts [--extension .output/bench/chrome-mv3] [--label after]
 *
 * Build the extension first (`GLIMPSE_BENCH=1 npx wxt build`); to compare, build another
 * checkout into another folder and pass it with --extension. Writes bench/results/<date>-idle-close-<label>.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CDPSession } from 'playwright-core';
import { offscreenDocuments } from '../tests/e2e/harness/engine-env';
import { openProbeSession, PROBE_IMAGE } from './lib/probe-session';
import { summarize } from './lib/stats';
import type { OursResult } from './reference-page/main';

const ROOT = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    extension: { type: 'string', default: join(ROOT, '.output/bench/chrome-mv3') },
    label: { type: 'string', default: 'current' },
    closes: { type: 'string', default: '2' },
    asks: { type: 'string', default: '4' },
    trace: { type: 'boolean', default: false },
  },
});
const closes = Number(args.closes);
const asksPerDocument = Number(args.asks);
const log = (line: string) => console.log(`[idle-close] ${line}`);

/** V8's wasm trace events worth counting: compiles, cache hits, tier-ups. */
const TRACE_CATEGORIES = ['v8.wasm', 'disabled-by-default-v8.wasm.detailed', 'v8'];

async function traceWhile<T>(cdp: CDPSession, run: () => Promise<T>) {
  const events: { name: string; dur?: number }[] = [];
  cdp.on('Tracing.dataCollected', ({ value }) =>
    events.push(...(value as unknown as typeof events)),
  );
  const complete = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: TRACE_CATEGORIES, recordMode: 'recordAsMuchAsPossible' },
    transferMode: 'ReportEvents',
  });
  const result = await run();
  await cdp.send('Tracing.end');
  await complete;
  const byName = new Map<string, { count: number; ms: number }>();
  for (const e of events) {
    if (!/wasm/i.test(e.name)) continue;
    const entry = byName.get(e.name) ?? { count: 0, ms: 0 };
    entry.count += 1;
    entry.ms += (e.dur ?? 0) / 1000;
    byName.set(e.name, entry);
  }
  const summary = Object.fromEntries(
    [...byName.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 25)
      .map(([name, v]) => [name, { count: v.count, ms: Math.round(v.ms) }]),
  );
  return { result, summary };
}

async function main() {
  const { model, browser, page, dispose } = await openProbeSession(args.extension, log);
  const sw = browser.serviceWorker;
  try {
    let n = 0;
    const ask = async (): Promise<OursResult & { stallMs: number }> => {
      const requestId = `probe-${++n}`;
      await page.evaluate(() => globalThis.glimpseBench.startMainThreadWatch());
      const result = await page.evaluate((t) => globalThis.glimpseBench.askOurs(t), {
        requestId,
        conversationId: requestId,
        question: 'Describe this image in detail.',
        image: PROBE_IMAGE,
        maxNewTokens: 16,
      });
      const stallMs = await page.evaluate(() => globalThis.glimpseBench.stopMainThreadWatch());
      if (!result.stats) throw new Error(`the engine failed: ${result.error}`);
      await page.evaluate((id) => globalThis.glimpseBench.endConversation(id), requestId);
      return { ...result, stallMs: Math.round(stallMs) };
    };
    // Fills the cache: the first document of this profile downloads the model (a cold load).
    const coldLoadMs = Math.round((await ask()).stats?.loadMs ?? Number.NaN);
    log(`cold load (mirror → ready): ${coldLoadMs} ms`);
    const documents: {
      ttftMs: number[];
      tokensPerSecond: number[];
      loadMs: number[];
      mainThreadStallMs: number[];
    }[] = [];
    let trace: Record<string, { count: number; ms: number }> | undefined;
    for (let d = 0; d <= closes; d++) {
      if (d > 0) {
        await sw.evaluate(() => chrome.offscreen.closeDocument().catch(() => undefined));
        while ((await offscreenDocuments(sw)) > 0) await new Promise((r) => setTimeout(r, 100));
      }
      const doc = {
        ttftMs: [] as number[],
        tokensPerSecond: [] as number[],
        loadMs: [] as number[],
        mainThreadStallMs: [] as number[],
      };
      for (let i = 0; i < asksPerDocument; i++) {
        let result: OursResult & { stallMs: number };
        if (args.trace && d === 1 && i === 0) {
          const cdp = await browser.context.newCDPSession(page);
          const traced = await traceWhile(cdp, ask);
          await cdp.detach();
          result = traced.result;
          trace = traced.summary;
        } else {
          result = await ask();
        }
        const stats = result.stats;
        if (!stats) throw new Error('unreachable');
        doc.ttftMs.push(Math.round(stats.ttftMs));
        doc.tokensPerSecond.push(Number(stats.tokensPerSecond.toFixed(1)));
        doc.loadMs.push(Math.round(stats.loadMs));
        doc.mainThreadStallMs.push(result.stallMs);
      }
      log(
        `${d === 0 ? 'first document' : `after close ${d}`}: TTFT ${doc.ttftMs.join(', ')} ms; decode ${doc.tokensPerSecond.join(', ')} tok/s; load ${doc.loadMs.join(', ')} ms; main-thread stall ${doc.mainThreadStallMs.join(', ')} ms`,
      );
      documents.push(doc);
    }
    const firstAfterClose = documents.slice(1).map((d) => d.ttftMs[0] ?? Number.NaN);
    const laterInFirst = documents[0]?.ttftMs.slice(1) ?? [];
    const result = {
      label: args.label,
      extension: args.extension,
      date: new Date().toISOString(),
      machine: `${cpus()[0]?.model} (${cpus().length} cores)`,
      model: model.id,
      cold_load_ms: coldLoadMs,
      documents,
      first_after_close_ttft_ms: summarize(firstAfterClose),
      settled_ttft_ms: summarize(laterInFirst),
      main_thread_stall_ms: summarize(documents.flatMap((d) => d.mainThreadStallMs)),
      slowdown_ratio:
        summarize(firstAfterClose).median / Math.max(1, summarize(laterInFirst).median),
      ...(trace ? { trace_first_after_close: trace } : {}),
      manifestVersion: (
        JSON.parse(readFileSync(join(args.extension, 'manifest.json'), 'utf8')) as {
          version: string;
        }
      ).version,
    };
    const outDir = join(ROOT, 'bench/results');
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `${result.date.slice(0, 10)}-idle-close-${args.label}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    log(`slowdown: first answer after a close ÷ settled = ${result.slowdown_ratio.toFixed(2)}×`);
    log(`wrote ${file}`);
  } finally {
    await dispose();
  }
}

await main();
