import { browser } from 'wxt/browser';
import {
  ENGINE_PORT,
  type EngineCommand,
  type EngineWorkerInbound,
  type EngineWorkerOutbound,
} from '@/src/messaging/protocol';
import { sendRequest, serveRequests } from '@/src/messaging/runtime-rpc';
import type { RawPort } from '@/src/messaging/typed-port';
import { toUserMessage } from '@/src/messaging/user-error';
import { decodeToPixels } from './image-decode';
import type { ImageType } from './image-sniff';

export interface EnginePageOptions {
  /** Firefox: keep the event page this page lives in from unloading while an answer runs. */
  keepAliveWhileWorking?: boolean;
  /** Starts the engine's worker (the entrypoint names its file, so the bundler finds it). */
  startWorker(): Worker;
}

/**
 * The engine page: Chrome's offscreen document, or the frame in Firefox's event page. The engine
 * itself runs in a worker this page starts (src/vlm/engine-worker.ts); the page holds what only
 * a page can: the runtime port to the background, runtime messages, persistent storage, and an
 * <img> to draw SVGs with.
 */
export function setupEnginePage(options: EnginePageOptions): void {
  // The model cache must not be evicted under storage pressure. Firefox grants this at once to
  // an add-on with unlimitedStorage, and the quota then grows from 10 GiB (best effort) to half
  // the disk; Chrome already treats unlimitedStorage that way.
  void navigator.storage?.persist?.().catch(() => false);

  const worker = options.startWorker();
  const toWorker = (message: EngineWorkerInbound, transfer: Transferable[] = []) =>
    worker.postMessage(message, transfer);
  let port: RawPort | null = null;

  worker.addEventListener('message', (event: MessageEvent<EngineWorkerOutbound>) => {
    const message = event.data;
    switch (message.type) {
      case 'event':
        port?.postMessage(message.event);
        return;
      case 'idle':
        void sendRequest({ type: 'engine/idle' }).catch(() => undefined);
        return;
      case 'keepalive':
        if (options.keepAliveWhileWorking)
          void sendRequest({ type: 'engine/keepalive' }).catch(() => undefined);
        return;
      case 'rasterise-svg':
        void rasteriseSvg(message.bytes, message.mimeType).then(
          (pixels) =>
            toWorker({ type: 'svg-pixels', callId: message.callId, pixels }, [pixels.data]),
          (error: unknown) =>
            toWorker({
              type: 'svg-pixels',
              callId: message.callId,
              pixels: null,
              error: toUserMessage(error),
            }),
        );
        return;
    }
  });

  const connect = () => {
    if (port) return;
    const next = browser.runtime.connect({ name: ENGINE_PORT }) as unknown as RawPort;
    port = next;
    // The background is the only other end of this port: its commands go through as they are.
    next.onMessage.addListener((command) =>
      toWorker({ type: 'command', command: command as EngineCommand }),
    );
    next.onDisconnect.addListener(() => {
      if (port !== next) return;
      port = null;
      toWorker({ type: 'port', connected: false });
    });
    toWorker({ type: 'port', connected: true });
  };
  serveRequests({
    'engine/connect': async () => {
      connect();
      return { connected: true };
    },
  });
  connect();
}

async function rasteriseSvg(bytes: ArrayBuffer, type: string) {
  const pixels = await decodeToPixels({ bytes: new Uint8Array(bytes), type: type as ImageType });
  const data = pixels.data.buffer as ArrayBuffer;
  return { data, width: pixels.width, height: pixels.height };
}
