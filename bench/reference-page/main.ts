import { createPortTransport } from '@/src/chat/ask-transport';
import type { GenerationStats, ImageInput, PrefillStats } from '@/src/messaging/protocol';
import { wasmThreadCount } from '@/src/vlm/backend';
import type { OrtBuild } from '@/src/vlm/ort-runtime';
import { createOrtLoader } from '@/src/vlm/ort-runtime';
import { loadBuild } from '../ort-builds';
import { type RawDecodeOptions, rawDecode } from '../raw-ort';
import { createReferenceFlow } from '../reference-flow';

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
 * follows from the bench (Node), on its own clock: this page shares its main thread with the
 * offscreen document, so a timer here would not fire during an encoder run, and a "click" timed
 * here would come late.
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

const bench = {
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
