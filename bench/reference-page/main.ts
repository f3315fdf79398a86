import { createPortTransport } from '@/src/chat/ask-transport';
import type { GenerationStats, ImageInput, PrefillStats } from '@/src/messaging/protocol';
import { wasmThreadCount } from '@/src/vlm/backend';
import type { OrtBuild } from '@/src/vlm/ort-runtime';
import { createOrtLoader } from '@/src/vlm/ort-runtime';
import { loadBuild } from '../ort-builds';
import { type RawDecodeOptions, type RawDecodeResult, rawDecode } from '../raw-ort';
import { createReferenceFlow } from '../reference-flow';
import type { RawWorkerReply, RawWorkerRequest } from './raw-worker';

export interface OursTurn {
  requestId: string;
  conversationId: string;
  question: string;
  image?: ImageInput;
  maxNewTokens: number;
}

export interface OursResult {
  /** Ask-to-done as the panel sees it, through the panel's own transport. */
  askToDoneMs: number;
  /** Ask (the click) to the first token: the panel's clock, the engine's first-token mark. */
  askToFirstTokenMs?: number;
  /** With the panel opened first: the longest stall of this page's main thread before the ask. */
  mainThreadStallMs?: number;
  /** When the panel opened before the question: how its prefill ended, and what it cost. */
  prefill?: { end: string; stats?: PrefillStats };
  stats?: GenerationStats;
  error?: string;
}

const loader = createOrtLoader();
const transport = createPortTransport();

function askOurs(turn: OursTurn): Promise<OursResult> {
  return new Promise((resolve) => {
    const sentAt = performance.now();
    transport.ask(turn, (event) => {
      const askToDoneMs = performance.now() - sentAt;
      // Token events carry whole words (a few tokens may carry none): the first token's time is
      // the click-to-done time less the engine's first-token-to-done time.
      if (event.type === 'done')
        resolve({
          askToDoneMs,
          askToFirstTokenMs: askToDoneMs - (event.stats.totalMs - event.stats.ttftMs),
          stats: event.stats,
        });
      else if (event.type === 'error') resolve({ askToDoneMs, error: event.message });
      else if (event.type === 'cancelled') resolve({ askToDoneMs, error: 'cancelled' });
    });
  });
}

/**
 * What the panel does when it opens: it asks for a prefill at once (ChatModel). The question
 * follows from the bench (Node), on its own clock, so that it means the same whichever thread the
 * engine runs on (this page shares its main thread with every extension page, the offscreen
 * document included).
 */
const prefills = new Map<string, NonNullable<OursResult['prefill']>>();
function openPanel(turn: { requestId: string; conversationId: string; image: ImageInput }) {
  const prefill: NonNullable<OursResult['prefill']> = { end: 'running' };
  prefills.set(turn.conversationId, prefill);
  transport.prefill?.(turn, (event) => {
    if (event.type === 'prefilled')
      Object.assign(prefill, { end: 'prefilled', stats: event.stats });
    else if (event.type === 'error' || event.type === 'cancelled') prefill.end = event.type;
  });
}

/**
 * The longest gap between ticks of a 10-ms timer on this page: how long the extension's shared
 * main thread (the panel's frame, the popup…) could not answer a keystroke.
 */
function watchMainThread() {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 10);
  return () => {
    clearInterval(timer);
    return Math.max(longest, performance.now() - last);
  };
}
let stopWatching: (() => number) | null = null;

const bench = {
  startMainThreadWatch: () => {
    stopWatching = watchMainThread();
  },
  /** The longest stall since startMainThreadWatch, in ms. */
  stopMainThreadWatch: () => {
    const longest = stopWatching?.() ?? Number.NaN;
    stopWatching = null;
    return longest;
  },
  reference: createReferenceFlow(loader),
  askOurs,
  openPanel,
  prefillOf: (conversationId: string) => prefills.get(conversationId),
  endConversation: (id: string) => transport.endConversation(id),
  /** The decoder's session.run alone, on one ORT build: load this page fresh for each build. */
  async rawDecode(build: OrtBuild, options: RawDecodeOptions) {
    const { ort, wasmPaths } = await loadBuild(build);
    return rawDecode(ort, wasmPaths, options);
  },
  /** The same loop in a dedicated worker, where the engine runs; its memory goes with it. */
  async rawDecodeInWorker(build: OrtBuild, options: RawDecodeOptions) {
    const worker = new Worker(new URL('./raw-worker.ts', import.meta.url), { type: 'module' });
    try {
      return await new Promise<RawDecodeResult>((resolve, reject) => {
        worker.onmessage = ({ data }: MessageEvent<RawWorkerReply>) =>
          'result' in data ? resolve(data.result) : reject(new Error(data.error));
        worker.onerror = (event) => reject(new Error(event.message || 'the raw worker failed'));
        const request: RawWorkerRequest = { build, options };
        worker.postMessage(request);
      });
    } finally {
      worker.terminate();
    }
  },
  /** The raw loop on this page's main thread or in a dedicated worker of it. */
  rawDecodeIn(where: 'page' | 'worker', build: OrtBuild, options: RawDecodeOptions) {
    return where === 'worker'
      ? bench.rawDecodeInWorker(build, options)
      : bench.rawDecode(build, options);
  },
  jspiSupported: () => typeof (WebAssembly as { Suspending?: unknown }).Suspending === 'function',
  info: () => ({
    crossOriginIsolated: self.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    wasmThreads: wasmThreadCount(self.crossOriginIsolated, navigator.hardwareConcurrency),
    userAgent: navigator.userAgent,
  }),
};

export type GlimpseBenchPage = typeof bench;
(globalThis as unknown as { glimpseBench: GlimpseBenchPage }).glimpseBench = bench;
