import { browser } from 'wxt/browser';
import { ENGINE_PORT, type EngineCommand, type EngineEvent } from '@/src/messaging/protocol';
import { sendRequest, serveRequests } from '@/src/messaging/runtime-rpc';
import { type RawPort, typedPort } from '@/src/messaging/typed-port';
import { probeWebGpu } from './backend';
import { createVlmEngine } from './engine';
import { createEngineHost } from './engine-host';
import { acquireImage } from './image-acquire';
import { decodeToPixels } from './image-decode';
import { ortRuntime } from './ort-runtime';
import type { TransformersModule } from './transformers-adapter';

export interface EnginePageOptions {
  /** Firefox: keep the event page this page lives in from unloading while an answer runs. */
  keepAliveWhileWorking?: boolean;
}

/**
 * The engine page's wiring: the engine, its host, and its port to the background. The same page
 * is Chrome's offscreen document and the frame in Firefox's event page.
 */
export function setupOffscreenEngine(
  transformers: TransformersModule,
  options: EnginePageOptions = {},
): void {
  // The model cache must not be evicted under storage pressure. Firefox grants this at once to
  // an add-on with unlimitedStorage, and the quota then grows from 10 GiB (best effort) to half
  // the disk; Chrome already treats unlimitedStorage that way.
  void navigator.storage?.persist?.().catch(() => false);
  const gpu = (navigator as Navigator & { gpu?: Parameters<typeof probeWebGpu>[0] }).gpu;
  const engine = createVlmEngine({
    transformers,
    probeGpu: () => probeWebGpu(gpu),
    acquireImage: (input) => acquireImage(input, fetch.bind(globalThis)),
    decodeImage: async (image) => {
      const pixels = await decodeToPixels(image);
      return new transformers.RawImage(pixels.data, pixels.width, pixels.height, 4);
    },
    onStatus: (status) => host.publishStatus(status),
    fetch: fetch.bind(globalThis),
    ...ortRuntime(),
    watchGpuDevice: (onLost) => void watchOrtDevice(transformers, onLost),
  });
  const host = createEngineHost({
    engine,
    onIdle: () => void sendRequest({ type: 'engine/idle' }).catch(() => undefined),
    ...(options.keepAliveWhileWorking
      ? { keepAlive: () => void sendRequest({ type: 'engine/keepalive' }).catch(() => undefined) }
      : {}),
  });

  const connect = () => {
    if (host.attached) return;
    const raw = browser.runtime.connect({ name: ENGINE_PORT }) as unknown as RawPort;
    host.attach(typedPort<EngineEvent, EngineCommand>(raw));
  };
  serveRequests({
    'engine/connect': async () => {
      connect();
      return { connected: true };
    },
  });
  connect();
}

interface LostInfo {
  reason: string;
}

/** Once ORT's WebGPU backend has its device, report a loss that Glimpse did not cause. */
async function watchOrtDevice(transformers: TransformersModule, onLost: () => void) {
  try {
    const webgpu = transformers.env.backends.onnx.webgpu as
      | { device?: Promise<{ lost: Promise<LostInfo> }> }
      | undefined;
    const device = await webgpu?.device;
    const info = await device?.lost;
    if (info && info.reason !== 'destroyed') onLost();
  } catch {
    // No device to watch: nothing can be lost.
  }
}
