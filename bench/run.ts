/// <reference types="chrome" />
/**
 * `npm run bench`: load, TTFT, decode, follow-up and overhead figures for Glimpse's engine and
 * for the reference transformers.js flow, side by side, inside the real extension in Chromium,
 * on WASM and WebGPU, with the machine's memory bandwidth measured in the same run.
 *
 *   npm run bench                       full run on the shape-faithful SmolVLM2-256M
 *   npm run bench -- --runs 5           more runs per figure
 *   npm run bench -- --backends wasm    one backend
 *   npm run bench -- --smoke            a quick pass on the tiny test model (part of npm test)
 *   npm run bench -- --budget-minutes 15  give up on a backend after this long (default 30)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { paintPng } from '../scripts/lib/png';
import { QUICK_ACTIONS } from '../src/chat/prompts';
import type { Backend, DecodeProfile, DtypeMap, ImageInput } from '../src/messaging/protocol';
import { chooseDtypes, wasmThreadCount } from '../src/vlm/backend';
import type { GlimpseSettings } from '../src/vlm/settings';
import { SUFFIX } from '../tests/fixtures/shape-faithful/generate';
import { TINY_MODEL_ID } from '../tests/fixtures/tiny-smolvlm/generate';
import { MirrorServer } from '../tests/support/mirror-server';
import { ensureTinyModel, MODELS_ROOT as TINY_ROOT } from '../tests/support/tiny-model';
import { measureReadBandwidth } from './lib/bandwidth';
import {
  type BenchBrowser,
  type BenchBrowserName,
  type BenchPage,
  benchBuildDir,
  browserVersion,
  launchBenchBrowser,
} from './lib/bench-browser';
import { browserMemory, sampleMemory } from './lib/memory';
import { nativeDecode } from './lib/native-decode';
import { checkTargets, figuresTable, targetsTable } from './lib/report';
import { decoderShape, ensureShapeModel } from './lib/shape-model';
import { ratio, type Summary, summarize } from './lib/stats';
import type { RawDecodeResult } from './raw-ort';
import type { ReferenceStats } from './reference-flow';
import type { OursResult, OursTurn } from './reference-page/main';

const ROOT = resolve(import.meta.dirname, '..');

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    runs: { type: 'string' },
    backends: { type: 'string' },
    out: { type: 'string' },
    'skip-build': { type: 'boolean', default: false },
    'budget-minutes': { type: 'string' },
    browser: { type: 'string', default: 'chromium' },
  },
});
if (args.browser !== 'chromium' && args.browser !== 'firefox')
  throw new Error(`--browser must be chromium or firefox, not ${args.browser}`);
const browserName: BenchBrowserName = args.browser;
const BENCH_EXTENSION = benchBuildDir(ROOT, browserName);
// Chromium keeps its historical file names; other browsers prefix theirs.
const filePrefix = browserName === 'chromium' ? '' : `${browserName}-`;
const smoke = args.smoke ?? false;
const runs = Number(args.runs ?? (smoke ? 1 : 3));
const backends = (args.backends ?? (smoke ? 'wasm' : 'wasm,webgpu')).split(',') as Backend[];
const outDir = resolve(ROOT, args.out ?? (smoke ? 'test-artifacts/bench' : 'bench/results'));
const decodeTokens = smoke ? 16 : 128;
// The figures with a thousand image tokens (about 45 s a turn on WASM) run at most twice, so the
// WASM bench stays within 12 minutes; every figure is still measured.
const heavyRuns = Math.min(runs, 2);
// The reference flow re-encodes the image every turn (about 2.5 min a run here, with its 128-token
// decode): one run per three of ours keeps the bench within its budget on a slow machine.
const referenceRuns = Math.max(1, Math.floor(runs / 3));
// WebGPU on a machine without a GPU runs on SwiftShader, a CPU emulation that may never finish.
const budgetMinutes = Number(args['budget-minutes'] ?? 30);
const QUESTION = 'Describe this image in detail.';
const FOLLOW_UP = 'What colours stand out?';

const log = (line: string) => console.log(`[bench] ${line}`);

/** Where a backend's run has got to, so a run cut off by the budget still says what it saw. */
interface Progress {
  stage: string;
  measured: string[];
}

const openBrowsers = new Set<BenchBrowser>();
async function launch(): Promise<BenchBrowser> {
  const browser = await launchBenchBrowser(browserName, BENCH_EXTENSION);
  openBrowsers.add(browser);
  return {
    ...browser,
    dispose: async () => {
      openBrowsers.delete(browser);
      await browser.dispose();
    },
  };
}

function pngInput(width: number, height: number): ImageInput {
  const png = paintPng(width, height, (x, y) => [(x * 7) % 256, (y * 5) % 256, (x + y) % 256]);
  return { kind: 'bytes', base64: png.toString('base64'), contentType: 'image/png' };
}

function ensureModel(): { root: string; id: string; dir: string } {
  if (smoke) return { root: TINY_ROOT, id: TINY_MODEL_ID, dir: ensureTinyModel() };
  return ensureShapeModel(log);
}

/** Files the shape model has: fp32/q8/q4 (no fp16). Glimpse's choice where it exists. */
function dtypesFor(backend: Backend): DtypeMap {
  return chooseDtypes(backend, false);
}

/** Weights read per generated token: the decoder's file, one embedding row, and the KV cache. */
function bytesPerToken(modelDir: string, dtypes: DtypeMap, contextTokens: number): number {
  const suffix = SUFFIX[dtypes.decoder_model_merged as keyof typeof SUFFIX] ?? '';
  const decoder = statSync(join(modelDir, 'onnx', `decoder_model_merged${suffix}.onnx`)).size;
  const config = JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8')) as {
    text_config: {
      hidden_size: number;
      num_hidden_layers: number;
      num_key_value_heads: number;
      head_dim?: number;
      num_attention_heads: number;
    };
  };
  const t = config.text_config;
  const headDim = t.head_dim ?? t.hidden_size / t.num_attention_heads;
  const kvPerToken = 2 * t.num_hidden_layers * t.num_key_value_heads * headDim * 4;
  return decoder + t.hidden_size * 4 + kvPerToken * contextTokens;
}

let turnCounter = 0;
async function askOurs(page: BenchPage, turn: Omit<OursTurn, 'requestId'>): Promise<OursResult> {
  const requestId = `bench-${++turnCounter}`;
  const result = await page.call((t) => globalThis.glimpseBench.askOurs(t), {
    ...turn,
    requestId,
  });
  if (result.error || !result.stats) throw new Error(`Glimpse's engine failed: ${result.error}`);
  return result;
}

function stat<T>(items: T[], pick: (item: T) => number | undefined): Summary {
  return summarize(items.map((i) => pick(i) ?? Number.NaN));
}

async function benchBackend(
  backend: Backend,
  model: { id: string; dir: string },
  mirror: MirrorServer,
  bandwidth: number,
  progress: Progress,
) {
  const report = (line: string) => {
    progress.measured.push(line);
    log(`${backend}: ${line}`);
  };
  const stage = (name: string) => {
    progress.stage = name;
  };
  const dtypes = dtypesFor(backend);
  const settings = (extra: Partial<GlimpseSettings> = {}): Partial<GlimpseSettings> => ({
    modelId: model.id,
    remoteHost: mirror.host,
    backend,
    dtypeOverrides: dtypes,
    splitImages: 'auto',
    followUps: 'kv-cache',
    idleMinutes: 60,
    ...extra,
  });
  const small = pngInput(512, 512);
  const large = pngInput(2048, 1536);

  // 1. Cold loads: a fresh profile each time, so the model comes from the mirror.
  stage('cold load, first question');
  const cold: OursResult[] = [];
  for (let i = 0; i < runs; i++) {
    const browser = await launch();
    try {
      await browser.setSettings(settings());
      const page = await browser.openBenchPage();
      cold.push(
        await askOurs(page, {
          conversationId: `cold-${i}`,
          question: QUESTION,
          image: small,
          maxNewTokens: 4,
        }),
      );
    } finally {
      await browser.dispose();
    }
    report(`cold load ${i + 1}/${runs}: ${Math.round(cold.at(-1)?.stats?.loadMs ?? 0)} ms`);
  }

  const browser = await launch();
  try {
    await browser.setSettings(settings());
    const page = await browser.openBenchPage();
    const info = await page.call(() => globalThis.glimpseBench.info(), undefined);
    const memoryIdleBrowser = browserMemory();
    // Fills this profile's cache and pays the first answer's one-time costs (WebGPU shader
    // compilation): not counted.
    stage('filling the cache');
    await askOurs(page, {
      conversationId: 'fill',
      question: QUESTION,
      image: small,
      maxNewTokens: 4,
    });

    // 2. First-question TTFT per image and splitting policy.
    stage('first-question TTFT');
    const cases = [
      { name: '512×512, auto (one view)', image: small, split: 'auto', runs },
      { name: '512×512, always split', image: small, split: 'always', runs: heavyRuns },
      { name: '2048×1536, auto (split)', image: large, split: 'auto', runs: heavyRuns },
      { name: '2048×1536, never split', image: large, split: 'never', runs },
    ] as const;
    const ttft: Record<string, OursResult[]> = {};
    for (const c of cases) {
      await browser.setSettings(settings({ splitImages: c.split }));
      ttft[c.name] = [];
      for (let i = 0; i < c.runs; i++) {
        const conversationId = `ttft-${c.split}-${c.image === small ? 's' : 'l'}-${i}`;
        ttft[c.name]?.push(
          await askOurs(page, {
            conversationId,
            question: QUESTION,
            image: c.image,
            maxNewTokens: 4,
          }),
        );
        await page.call((id) => globalThis.glimpseBench.endConversation(id), conversationId);
      }
      report(
        `TTFT ${c.name}: ${ttft[c.name]?.map((r) => Math.round(r.stats?.ttftMs ?? 0)).join(', ')} ms`,
      );
    }
    await browser.setSettings(settings());

    // 3. Decode over 128 tokens and the follow-up on the same conversation, memory sampled.
    // After each, the raw ORT-web loop: the decoder's session.run alone, on the build Glimpse
    // loaded, the same decoder file, threads and starting context, once in a fresh bench page
    // and once in a dedicated worker of one (where the engine runs). Interleaved with our runs,
    // so a machine that drifts over the bench's minutes moves both sides of the ratio alike.
    stage('decode and follow-up, raw ORT-web decode');
    const firsts: OursResult[] = [];
    const followUps: OursResult[] = [];
    const rawOrt: RawDecodeResult[] = [];
    const rawOrtWorker: RawDecodeResult[] = [];
    const decoderFile = `onnx/decoder_model_merged${SUFFIX[dtypes.decoder_model_merged as keyof typeof SUFFIX] ?? ''}.onnx`;
    // The raw and native loops: our decode's threads, starting context and length.
    const loopLike = (ours: OursResult | undefined) => ({
      threads: info.wasmThreads,
      pastTokens: ours?.stats?.promptTokens ?? 0,
      steps: decodeTokens,
      ...decoderShape(model.dir),
    });
    const rawDecodeAfter = async (ours: OursResult) => {
      const ortBuild = ours.stats?.ortBuild;
      // The raw loop runs ORT's WASM execution provider: it says nothing about WebGPU.
      if (backend !== 'wasm' || !ortBuild) return;
      const loop = {
        ...loopLike(ours),
        decoderUrl: `${mirror.host}${model.id}/resolve/main/${decoderFile}`,
      };
      for (const where of ['page', 'worker'] as const) {
        const rawPage = await browser.openBenchPage();
        const result = await rawPage.call(
          ({ w, b, o }) => globalThis.glimpseBench.rawDecodeIn(w, b, o),
          { w: where, b: ortBuild, o: loop },
        );
        await rawPage.close();
        (where === 'worker' ? rawOrtWorker : rawOrt).push(result);
      }
    };
    let peakMemory = 0;
    for (let i = 0; i < runs; i++) {
      const conversationId = `decode-${i}`;
      const sampler = sampleMemory();
      firsts.push(
        await askOurs(page, {
          conversationId,
          question: QUESTION,
          image: small,
          maxNewTokens: decodeTokens,
        }),
      );
      followUps.push(await askOurs(page, { conversationId, question: FOLLOW_UP, maxNewTokens: 4 }));
      peakMemory = Math.max(peakMemory, sampler.stop());
      await page.call((id) => globalThis.glimpseBench.endConversation(id), conversationId);
      const ours = firsts[i];
      if (ours) await rawDecodeAfter(ours);
    }
    report(`decode ${firsts.map((r) => r.stats?.tokensPerSecond.toFixed(1)).join(', ')} tok/s`);
    const ortBuild = firsts[0]?.stats?.ortBuild;
    if (rawOrt.length > 0)
      report(
        `raw ORT-web (${ortBuild}) ${rawOrt.map((r) => r.tokensPerSecond.toFixed(1)).join(', ')} tok/s; in a worker ${rawOrtWorker.map((r) => r.tokensPerSecond.toFixed(1)).join(', ')} tok/s`,
      );

    // 3b. The panel opened, then the user asked: it prefilled the image meanwhile. TTFT from the
    // click, against the first-question TTFT above (asked with no panel open before: no prefill).
    stage('prefill: asked after the panel opened');
    const openedThenAsked = async (delayMs: number, question: string, tag: string) => {
      const results: OursResult[] = [];
      for (let i = 0; i < runs; i++) {
        const conversationId = `${tag}-${i}`;
        await page.call(() => globalThis.glimpseBench.startMainThreadWatch(), undefined);
        await page.call((t) => globalThis.glimpseBench.openPanel(t), {
          requestId: `bench-${++turnCounter}`,
          conversationId,
          image: small,
        });
        await new Promise((r) => setTimeout(r, delayMs));
        const stallMs = await page.call(
          () => globalThis.glimpseBench.stopMainThreadWatch(),
          undefined,
        );
        // The click, on the bench's clock: the page may be blocked by an encoder run (one main
        // thread for the extension's pages), the user's click in the page's panel is not.
        const clickedAt = performance.now();
        const result = await askOurs(page, {
          conversationId,
          question,
          image: small,
          maxNewTokens: 4,
        });
        const doneAt = performance.now();
        const stats = result.stats;
        if (!stats) throw new Error('unreachable');
        results.push({
          ...result,
          mainThreadStallMs: stallMs,
          askToFirstTokenMs: doneAt - clickedAt - (stats.totalMs - stats.ttftMs),
          prefill: await page.call((id) => globalThis.glimpseBench.prefillOf(id), conversationId),
        });
        await page.call((id) => globalThis.glimpseBench.endConversation(id), conversationId);
      }
      return results;
    };
    const afterWait = await openedThenAsked(3000, QUESTION, 'prefill-3s');
    const quickAction = await openedThenAsked(500, QUICK_ACTIONS[0].prompt, 'prefill-quick');
    report(
      `TTFT from the click, 3 s after opening: ${afterWait.map((r) => Math.round(r.askToFirstTokenMs ?? 0)).join(', ')} ms; quick action at 0.5 s: ${quickAction.map((r) => Math.round(r.askToFirstTokenMs ?? 0)).join(', ')} ms`,
    );

    // 4. Warm loads: the offscreen document closed, so the model comes from the cache. They come
    // after the TTFT and decode figures: right after a close, answers ran slower for a while
    // (512-px TTFT 4.5 s here against 2.3 s in a browser that had not closed one).
    stage('warm loads');
    const warm: OursResult[] = [];
    for (let i = 0; i < runs; i++) {
      await browser.closeEngineHost();
      warm.push(
        await askOurs(page, {
          conversationId: `warm-${i}`,
          question: QUESTION,
          image: small,
          maxNewTokens: 4,
        }),
      );
    }
    report(`warm loads ${warm.map((w) => Math.round(w.stats?.loadMs ?? 0)).join(', ')} ms`);

    // 5. The reference flow on the same page origin, model files, dtypes and threads.
    stage('reference flow');
    const reference = page.call((o) => globalThis.glimpseBench.reference.load(o), {
      modelId: model.id,
      remoteHost: mirror.host,
      device: backend,
      dtype: dtypes,
    });
    const referenceLoad = await reference;
    const refFirsts: ReferenceStats[] = [];
    const refFollowUps: ReferenceStats[] = [];
    const smallBytes = small.kind === 'bytes' ? small : null;
    if (!smallBytes) throw new Error('unreachable');
    // One unmeasured turn, as for ours, on one view: it warms the same kernels in about a
    // seventeenth of the time of the split image the measured turns read.
    await page.call((t) => globalThis.glimpseBench.reference.ask(t), {
      image: { base64: smallBytes.base64, contentType: smallBytes.contentType },
      question: QUESTION,
      maxNewTokens: 4,
      splitImage: false,
    });
    for (let i = 0; i < referenceRuns; i++) {
      refFirsts.push(
        await page.call((t) => globalThis.glimpseBench.reference.ask(t), {
          image: { base64: smallBytes.base64, contentType: smallBytes.contentType },
          question: QUESTION,
          maxNewTokens: decodeTokens,
        }),
      );
      refFollowUps.push(
        await page.call((t) => globalThis.glimpseBench.reference.ask(t), {
          question: FOLLOW_UP,
          maxNewTokens: 4,
        }),
      );
    }
    report(
      `reference TTFT ${refFirsts.map((r) => Math.round(r.ttftMs)).join(', ')} ms, decode ${refFirsts.map((r) => r.tokensPerSecond.toFixed(1)).join(', ')} tok/s`,
    );
    // WebAssembly memory never shrinks: only closing the reference's page gives it back.
    await page.close();

    // 6. After the idle timeout the offscreen document should be gone, and its memory with it.
    stage('idle timeout');
    await browser.setSettings(settings({ idleMinutes: 0.05 }));
    const idlePage = await browser.openBenchPage();
    await askOurs(idlePage, {
      conversationId: 'idle',
      question: QUESTION,
      image: small,
      maxNewTokens: 1,
    });
    await idlePage.close();
    const idleStart = Date.now();
    while ((await browser.engineHostOpen()) && Date.now() - idleStart < 60_000)
      await new Promise((r) => setTimeout(r, 500));
    const offscreenGone = !(await browser.engineHostOpen());
    await new Promise((r) => setTimeout(r, 2000));
    const memoryAfterIdle = browserMemory();

    // 7. Native onnxruntime-node, in Node (not a browser figure): the same loop and threads.
    stage('native decode');
    const native: RawDecodeResult[] = [];
    for (let i = 0; i < runs; i++)
      native.push(await nativeDecode(join(model.dir, decoderFile), loopLike(firsts[0])));
    report(
      `native (onnxruntime-node) ${native.map((r) => r.tokensPerSecond.toFixed(1)).join(', ')} tok/s`,
    );

    // Figures.
    const firstTtft = stat(firsts, (r) => r.stats?.ttftMs);
    const followTtft = stat(followUps, (r) => r.stats?.ttftMs);
    const decode = stat(firsts, (r) => r.stats?.tokensPerSecond);
    const refTtft = summarize(refFirsts.map((r) => r.ttftMs));
    const refFollow = summarize(refFollowUps.map((r) => r.ttftMs));
    const refDecode = summarize(refFirsts.map((r) => r.tokensPerSecond));
    const overhead = summarize(
      firsts.map((r) => {
        const engine = (r.stats?.totalMs ?? 0) + (r.stats?.loadMs ?? 0);
        return ((r.askToDoneMs - engine) / r.askToDoneMs) * 100;
      }),
    );
    const meanContext =
      (firsts[0]?.stats?.promptTokens ?? 0) + (firsts[0]?.stats?.newTokens ?? 0) / 2;
    const perToken = bytesPerToken(model.dir, dtypes, meanContext);
    const threads = backend === 'wasm' ? (firsts[0]?.stats?.threads ?? 1) : cpus().length;
    const ceiling = bandwidth / perToken;

    const oneView = ttft[cases[0].name] ?? [];
    const clickTtftNoPrefill = stat(oneView, (r) => r.askToFirstTokenMs);
    const clickTtftAfterWait = stat(afterWait, (r) => r.askToFirstTokenMs);
    const clickTtftQuick = stat(quickAction, (r) => r.askToFirstTokenMs);
    const prefillMs = stat(afterWait, (r) => r.prefill?.stats?.prefillMs);
    const stall = stat(afterWait, (r) => r.mainThreadStallMs);
    const rawDecodeSpeed = summarize(rawOrt.map((r) => r.tokensPerSecond));
    const rawWorkerSpeed = summarize(rawOrtWorker.map((r) => r.tokensPerSecond));
    // Where Glimpse's decode time goes, per token (the engine times its own ORT runs).
    const ourProfile = (pick: (p: DecodeProfile) => number) =>
      stat(firsts, (r) => (r.stats?.decodeProfile ? pick(r.stats.decodeProfile) : undefined));
    const nativeSpeed = summarize(native.map((r) => r.tokensPerSecond));
    const headline = {
      prefill_ttft_ratio: ratio(clickTtftAfterWait, clickTtftNoPrefill),
      decode_vs_raw_ort: backend === 'wasm' ? ratio(decode, rawDecodeSpeed) : Number.NaN,
      decode_vs_raw_ort_worker: backend === 'wasm' ? ratio(decode, rawWorkerSpeed) : Number.NaN,
      decode_vs_native: ratio(decode, nativeSpeed),
      followup_ttft_ratio: ratio(followTtft, firstTtft),
      decode_vs_reference: ratio(decode, refDecode),
      ttft_vs_reference: ratio(firstTtft, refTtft),
      followup_vs_reference: ratio(followTtft, refFollow),
      overhead_pct: overhead.median,
      decode_vs_bandwidth_bound: decode.median / ceiling,
      main_thread_stall_ms: stall.median,
    };
    const targets = checkTargets(backend, headline);
    const figureRows: [string, Summary, string][] = [
      ['Cold load (mirror → ready)', stat(cold, (r) => r.stats?.loadMs), 'ms'],
      ['Warm load (cache → ready)', stat(warm, (r) => r.stats?.loadMs), 'ms'],
      ...cases.map((c): [string, Summary, string] => [
        `TTFT ${c.name}, ${ttft[c.name]?.[0]?.stats?.imageTokens} image tokens`,
        stat(ttft[c.name] ?? [], (r) => r.stats?.ttftMs),
        'ms',
      ]),
      [`Decode, ${decodeTokens} new tokens`, decode, 'tok/s'],
      ['Follow-up TTFT (KV cache)', followTtft, 'ms'],
      ['TTFT from the click, asked at once (no prefill), 512×512', clickTtftNoPrefill, 'ms'],
      [
        'TTFT from the click, asked 3 s after the panel opened (prefilled)',
        clickTtftAfterWait,
        'ms',
      ],
      ['TTFT from the click, quick action 0.5 s after opening', clickTtftQuick, 'ms'],
      ['Prefill (image read while the user chooses)', prefillMs, 'ms'],
      ['Longest stall of the extension main thread during that prefill', stall, 'ms'],
      [
        `Raw ORT-web decode (${ortBuild ?? '—'} build, decoder session.run only)`,
        rawDecodeSpeed,
        'tok/s',
      ],
      [
        `Raw ORT-web decode in a dedicated worker (${ortBuild ?? '—'} build, as the engine runs)`,
        rawWorkerSpeed,
        'tok/s',
      ],
      ['Decode: time per token (Glimpse)', ourProfile((p) => p.msPerToken), 'ms'],
      [
        'Decode: of it, in onnxruntime (decoder and embedding runs)',
        ourProfile((p) => p.ortMsPerToken),
        'ms',
      ],
      ['Decode: of that, the decoder run alone', ourProfile((p) => p.decoderMsPerToken), 'ms'],
      [
        'Raw ORT-web: decoder run per step, bench page',
        summarize(rawOrt.map((r) => r.medianMsPerStep)),
        'ms',
      ],
      [
        'Raw ORT-web: decoder run per step, dedicated worker',
        summarize(rawOrtWorker.map((r) => r.medianMsPerStep)),
        'ms',
      ],
      ['Native decode (onnxruntime-node in Node, not a browser)', nativeSpeed, 'tok/s'],
      ['Reference: first-question TTFT 512×512', refTtft, 'ms'],
      ['Reference: decode', refDecode, 'tok/s'],
      ['Reference: follow-up TTFT (image re-encoded)', refFollow, 'ms'],
      ['Extension overhead', overhead, '%'],
    ];
    const result = {
      backend,
      ...headline,
      ort_build: ortBuild ?? null,
      targets,
      date: new Date().toISOString(),
      model: {
        id: model.id,
        kind: smoke
          ? 'tiny test model (figures mean nothing)'
          : 'shape-faithful SmolVLM2-256M, random weights',
        dtypes,
      },
      machine: { ...machineInfo(), page: info, wasmThreads: threads },
      versions: versions(),
      runs,
      figures: Object.fromEntries(figureRows.map(([label, s, unit]) => [label, { ...s, unit }])),
      imageTokens: Object.fromEntries(
        cases.map((c) => [c.name, ttft[c.name]?.[0]?.stats?.imageTokens]),
      ),
      referenceImageTokens: refFirsts[0]?.imageTokens,
      referenceLoadMs: referenceLoad.loadMs,
      // The reference flow's decode time per token, and the part inside the decoder's run.
      decodeProfile: {
        msPerToken: summarize(refFirsts.map((r) => r.profile.msPerToken)).median,
        decoderRunMsPerToken: summarize(refFirsts.map((r) => r.profile.decoderRunMsPerToken))
          .median,
        onnxShare: summarize(refFirsts.map((r) => r.profile.onnxShare)).median,
      },
      followUpPromptTokens: followUps[0]?.stats?.promptTokens,
      referenceFollowUpPromptTokens: refFollowUps[0]?.promptTokens,
      memory: {
        browserIdleBeforeModelMB: memoryIdleBrowser / 2 ** 20,
        peakDuringGenerationMB: peakMemory / 2 ** 20,
        afterIdleTimeoutMB: memoryAfterIdle / 2 ** 20,
        offscreenGoneAfterIdle: offscreenGone,
      },
      bandwidth: {
        readGBps: bandwidth / 1e9,
        threads: wasmThreadCount(true, cpus().length),
        bytesPerTokenMB: perToken / 1e6,
        decodeCeilingTokPerS: ceiling,
      },
    };
    return { result, tables: [targetsTable(backend, targets), figuresTable(backend, figureRows)] };
  } finally {
    await browser.dispose();
  }
}

function machineInfo() {
  return {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    browser: browserVersion(browserName),
  };
}

const HEADLINE_KEYS = [
  'prefill_ttft_ratio',
  'decode_vs_native',
  'followup_ttft_ratio',
  'decode_vs_reference',
  'ttft_vs_reference',
  'overhead_pct',
  'decode_vs_bandwidth_bound',
  'main_thread_stall_ms',
] as const;

class BudgetExceeded extends Error {}

/**
 * Runs one backend within the time budget. A run cut off still writes its file: the headline
 * figures null, with the stage it reached and what it had measured by then.
 */
async function benchWithinBudget(
  backend: Backend,
  model: { id: string; dir: string },
  mirror: MirrorServer,
  bandwidth: number,
) {
  const progress: Progress = { stage: 'starting', measured: [] };
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BudgetExceeded()), budgetMinutes * 60_000);
  });
  const run = benchBackend(backend, model, mirror, bandwidth, progress);
  try {
    const { result, tables } = await Promise.race([run, budget]);
    assertComplete(result);
    return { result: { ...result, completed: true }, tables };
  } catch (error) {
    if (!(error instanceof BudgetExceeded)) throw error;
    run.catch(() => undefined); // it fails once its browser is gone
    await Promise.all([...openBrowsers].map((b) => b.dispose()));
    const minutes = ((Date.now() - started) / 60_000).toFixed(1);
    const reason = `not finished within the ${budgetMinutes}-minute budget: still at "${progress.stage}" after ${minutes} min`;
    log(`${backend}: ${reason}`);
    const result = {
      backend,
      completed: false,
      reason,
      ...Object.fromEntries(HEADLINE_KEYS.map((key) => [key, null])),
      budgetMinutes,
      stageReached: progress.stage,
      measuredBeforeBudget: progress.measured,
      date: new Date().toISOString(),
      model: { id: model.id, dtypes: dtypesFor(backend) },
      machine: machineInfo(),
      versions: versions(),
    };
    const measured = progress.measured.length
      ? progress.measured.map((line) => `- ${line}`).join('\n')
      : '- nothing: the first question had not finished';
    const note = [
      `Not measured: ${reason}.`,
      backend === 'webgpu'
        ? 'This machine has no GPU, so Chromium runs WebGPU on SwiftShader, a CPU emulation of a GPU; its figures would say nothing about WebGPU on real hardware.'
        : '',
      '',
      measured,
    ].join('\n');
    return { result, tables: [note] };
  } finally {
    clearTimeout(timer);
  }
}

function versions() {
  const read = (name: string) =>
    (
      JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  return {
    transformers: read('@huggingface/transformers'),
    onnxruntimeWeb: read('onnxruntime-web'),
    wxt: read('wxt'),
  };
}

/** Every headline figure must be a number: a NaN means a measurement silently failed. */
function assertComplete(result: Record<string, unknown>) {
  for (const key of HEADLINE_KEYS) {
    const value = result[key];
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new Error(`bench figure ${key} is missing (${String(value)})`);
  }
}

function updateReadme(markdown: string) {
  const readme = join(ROOT, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) return;
  writeFileSync(readme, `${text.slice(0, from + start.length)}\n${markdown}\n${text.slice(to)}`);
}

async function main() {
  if (!args['skip-build'] || !existsSync(join(BENCH_EXTENSION, 'bench.html'))) {
    log('building the extension with its bench page…');
    execFileSync(
      'npx',
      ['wxt', 'build', ...(browserName === 'firefox' ? ['-b', 'firefox', '--mv3'] : [])],
      {
        cwd: ROOT,
        env: { ...process.env, GLIMPSE_BENCH: '1' },
        stdio: 'ignore',
      },
    );
  }
  const model = ensureModel();
  const mirror = await new MirrorServer({ root: model.root }).start();
  const threads = wasmThreadCount(true, cpus().length);
  const bandwidth = await measureReadBandwidth(threads);
  log(`memory read bandwidth: ${(bandwidth / 1e9).toFixed(1)} GB/s on ${threads} threads`);
  mkdirSync(outDir, { recursive: true });
  const day = new Date().toISOString().slice(0, 10);
  const sections: string[] = [];
  try {
    for (const backend of backends) {
      log(`${backend}: starting (${runs} runs per figure)`);
      const { result, tables } = await benchWithinBudget(backend, model, mirror, bandwidth);
      const file = join(outDir, `${day}-${filePrefix}${backend}.json`);
      writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
      log(`wrote ${file}`);
      const section = [
        `**${backend}**${browserName === 'chromium' ? '' : ` in ${browserName}`}, measured ${day} on ${cpus()[0]?.model} (${cpus().length} cores), ${runs} run(s) per figure (${heavyRuns} for those with a thousand image tokens, ${referenceRuns} for the reference flow), median with min–max.`,
        '',
        ...tables.flatMap((t) => [t, '']),
      ].join('\n');
      // Each backend keeps its latest tables, so a one-backend run leaves the other's in place.
      writeFileSync(join(outDir, `latest-${filePrefix}${backend}.md`), section);
      sections.push(section);
    }
  } finally {
    await mirror.stop();
  }
  console.log(`\n${sections.join('\n')}`);
  // The README's tables are Chromium's.
  if (!smoke && browserName === 'chromium') {
    const latest = (['wasm', 'webgpu'] as const)
      .map((b) => join(outDir, `latest-${b}.md`))
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f, 'utf8'));
    updateReadme(latest.join('\n'));
  }
}

await main();
