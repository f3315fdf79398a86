import { createPortTransport } from '@/src/chat/ask-transport';
import type { GenerationStats, ImageInput } from '@/src/messaging/protocol';
import { ortRuntime } from '@/src/vlm/ort-runtime';
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

const runtime = ortRuntime();
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
  reference: createReferenceFlow(runtime),
  askOurs,
  endConversation: (id: string) => transport.endConversation(id),
  info: () => ({
    crossOriginIsolated: self.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    wasmThreads: runtime.wasmThreads,
    userAgent: navigator.userAgent,
  }),
};

export type GlimpseBenchPage = typeof bench;
(globalThis as unknown as { glimpseBench: GlimpseBenchPage }).glimpseBench = bench;
