import { browser } from 'wxt/browser';
import { ENGINE_PORT, type EngineCommand, type EngineEvent } from '@/src/messaging/protocol';
import { sendRequest, serveRequests } from '@/src/messaging/runtime-rpc';
import { type RawPort, typedPort } from '@/src/messaging/typed-port';
import { probeWebGpu, wasmThreadCount, wasmThreadsNote } from './backend';
import { createVlmEngine } from './engine';
import { createEngineHost } from './engine-host';
import { acquireImage } from './image-acquire';
import { decodeToPixels } from './image-decode';
import { createOrtLoader, type OrtLoader } from './ort-runtime';
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
  options: EnginePageOptions = {},
  loader: OrtLoader = createOrtLoader(),
): void {
  // The model cache must not be evicted under storage pressure. Firefox grants this at once to
  // an add-on with unlimitedStorage, and the quota then grows from 10 GiB (best effort) to half
  // the disk; Chrome already treats unlimitedStorage that way.
  void navigator.storage?.persist?.().catch(() => false);
  const gpu = (navigator as Navigator & { gpu?: Parameters<typeof probeWebGpu>[0] }).gpu;
  // transformers.js loads with the model, on the onnxruntime-web build picked for the backend.
  const transformers = async () => {
    const runtime = await loader.loaded;
    if (!runtime) throw new Error('transformers.js is not loaded yet.');
    return runtime.transformers;
  };
  const engine = createVlmEngine({
    runtime: (backend) => loader.forBackend(backend),
    probeGpu: () => probeWebGpu(gpu),
    acquireImage: (input) => acquireImage(input, fetch.bind(globalThis)),
    decodeImage: async (image) => {
      const pixels = await decodeToPixels(image);
      const { RawImage } = await transformers();
      return new RawImage(pixels.data, pixels.width, pixels.height, 4);
    },
    onStatus: (status) => host.publishStatus(status),
    fetch: fetch.bind(globalThis),
    wasmThreadsNote: wasmThreadsNote(
      self.crossOriginIsolated,
      wasmThreadCount(self.crossOriginIsolated, navigator.hardwareConcurrency),
    ),
    watchGpuDevice: (onLost) => void transformers().then((t) => watchOrtDevice(t, onLost)),
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
