import { createPortTransport } from '@/src/chat/ask-transport';
import type { GenerationStats, ImageInput } from '@/src/messaging/protocol';
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
      if (event.type === 'done') resolve({ askToDoneMs, stats: event.stats });
      else if (event.type === 'error') resolve({ askToDoneMs, error: event.message });
      else if (event.type === 'cancelled') resolve({ askToDoneMs, error: 'cancelled' });
    });
  });
}

const bench = {
  reference: createReferenceFlow(loader),
  askOurs,
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
