/**
 * Interleaved A/B of onnxruntime-web's WASM builds on the shape-faithful q8 decoder, in the bench
 * page of the real extension (cross-origin isolated, the engine's threads): plain, JSPI, asyncify,
 * round after round, a fresh page per run. Decides which build Glimpse loads per backend.
 * `--where page,worker` also runs each in a dedicated worker of the page (where the engine runs),
 * and `--threads 1,2` at each thread count.
 *
 *   node --import tsx bench/probe-ort-builds.ts [--rounds 3] [--steps 48] [--past 80] [--skip-build]
 *     [--builds plain,jspi,asyncify] [--where page] [--threads <the engine's>]
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { launchWithExtension } from '../scripts/lib/chromium';
import { wasmThreadCount } from '../src/vlm/backend';
import type { OrtBuild } from '../src/vlm/ort-runtime';
import { MirrorServer } from '../tests/support/mirror-server';
import { decoderShape, ensureShapeModel } from './lib/shape-model';
import type { GlimpseBenchPage } from './reference-page/main';

declare global {
  var glimpseBench: GlimpseBenchPage;
}

const ROOT = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    steps: { type: 'string', default: '48' },
    past: { type: 'string', default: '80' },
    builds: { type: 'string', default: 'plain,jspi,asyncify' },
    where: { type: 'string', default: 'page' },
    threads: { type: 'string', default: String(wasmThreadCount(true, cpus().length)) },
    'wasm-as-bytes': { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
  },
});
const log = (line: string) => console.log(`[probe] ${line}`);

if (!args['skip-build']) {
  log('building the bench extension…');
  execFileSync('npx', ['wxt', 'build'], {
    cwd: ROOT,
    env: { ...process.env, GLIMPSE_BENCH: '1' },
    stdio: 'ignore',
  });
}
const model = ensureShapeModel(log);
const mirror = await new MirrorServer({ root: model.root }).start();
const browser = await launchWithExtension({ extensionDir: join(ROOT, '.output/bench/chrome-mv3') });
const builds = (args.builds ?? '').split(',') as OrtBuild[];
const places = (args.where ?? 'page').split(',') as ('page' | 'worker')[];
const threadCounts = (args.threads ?? '').split(',').map(Number);
const variants = builds.flatMap((build) =>
  places.flatMap((where) => threadCounts.map((threads) => ({ build, where, threads }))),
);
const nameOf = (v: (typeof variants)[number]) =>
  `${v.build} in a ${v.where}, ${v.threads} thread(s)`;
const results: Record<string, number[]> = Object.fromEntries(variants.map((v) => [nameOf(v), []]));
try {
  const options = {
    decoderUrl: `${mirror.host}${model.id}/resolve/main/onnx/decoder_model_merged_quantized.onnx`,
    pastTokens: Number(args.past),
    steps: Number(args.steps),
    wasmAsBytes: args['wasm-as-bytes'] ?? false,
    ...decoderShape(model.dir),
  };
  for (let round = 0; round < Number(args.rounds); round++) {
    for (const variant of variants) {
      const { build, where, threads } = variant;
      const page = await browser.context.newPage();
      await page.goto(`chrome-extension://${browser.extensionId}/bench.html`);
      await page.waitForFunction(() => typeof globalThis.glimpseBench === 'object');
      if (round === 0 && variant === variants[0])
        log(
          `JSPI in this Chromium: ${await page.evaluate(() => globalThis.glimpseBench.jspiSupported())}`,
        );
      const result = await page.evaluate(
        ({ w, b, o }) => globalThis.glimpseBench.rawDecodeIn(w, b, o),
        { w: where, b: build, o: { ...options, threads } },
      );
      await page.close();
      results[nameOf(variant)]?.push(result.medianMsPerStep);
      // Early steps against late ones: code still waiting for V8's optimizing tier shows here.
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const early = mean(result.msPerStep.slice(0, 8));
      const late = mean(result.msPerStep.slice(-8));
      log(
        `round ${round + 1} ${nameOf(variant)}: median ${result.medianMsPerStep.toFixed(1)} ms/step, ${result.tokensPerSecond.toFixed(1)} tok/s (first 8 steps ${early.toFixed(1)} ms, last 8 ${late.toFixed(1)} ms)`,
      );
    }
  }
} finally {
  await browser.dispose();
  await mirror.stop();
}
for (const [build, ms] of Object.entries(results))
  log(`${build}: ${ms.map((m) => m.toFixed(1)).join(' / ')} ms/step (medians per round)`);
