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
 * What the panel does: it asks for a prefill the moment it opens (ChatModel), and the user's
 * question (with the image, as a first turn) comes `delayMs` later.
 */
async function openThenAsk(turn: OursTurn & { image: ImageInput; delayMs: number }) {
  const prefill: NonNullable<OursResult['prefill']> = { end: 'running' };
  transport.prefill?.(
    {
      requestId: `${turn.requestId}-prefill`,
      conversationId: turn.conversationId,
      image: turn.image,
    },
    (event) => {
      if (event.type === 'prefilled')
        Object.assign(prefill, { end: 'prefilled', stats: event.stats });
      else if (event.type === 'error' || event.type === 'cancelled') prefill.end = event.type;
    },
  );
  await new Promise((resolve) => setTimeout(resolve, turn.delayMs));
  const { delayMs: _, ...ask } = turn;
  return { ...(await askOurs(ask)), prefill };
}

const bench = {
  reference: createReferenceFlow(loader),
  askOurs,
  openThenAsk,
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
