import type {
  EngineCommand,
  EngineEvent,
  EngineWorkerInbound,
  EngineWorkerOutbound,
} from '@/src/messaging/protocol';
import type { TypedPort } from '@/src/messaging/typed-port';
import { UserFacingError } from '@/src/messaging/user-error';
import { probeWebGpu, wasmThreadCount, wasmThreadsNote } from './backend';
import { createVlmEngine } from './engine';
import { createEngineHost } from './engine-host';
import { type AcquiredImage, acquireImage, IMAGE_ERRORS } from './image-acquire';
import { type DecodedPixels, decodeToPixels } from './image-decode';
import { createOrtLoader, type OrtLoader } from './ort-runtime';
import type { TransformersModule } from './transformers-adapter';

/** The slice of a dedicated worker's global scope the engine uses (a fake one in unit tests). */
export interface EngineWorkerScope {
  postMessage(message: EngineWorkerOutbound, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: { data: EngineWorkerInbound }) => void): void;
}

/** What the worker needs from its surroundings; the defaults are the worker's own. */
export interface EngineWorkerDeps {
  loader?: OrtLoader;
  fetch?: typeof fetch;
  gpu?: Parameters<typeof probeWebGpu>[0];
  crossOriginIsolated?: boolean;
  hardwareConcurrency?: number;
  /** Raster formats decode in the worker (createImageBitmap, OffscreenCanvas). */
  decodeRaster?: (image: AcquiredImage) => Promise<DecodedPixels>;
}

/**
 * The engine, in a dedicated worker of the engine page: inference never blocks the extension's
 * main thread, which the panel, popup and side panel share. The page relays the background's
 * engine port; each time that port (re)connects, the host here attaches a fresh view of it.
 */
export function runEngineWorker(scope: EngineWorkerScope, deps: EngineWorkerDeps = {}) {
  const loader = deps.loader ?? createOrtLoader();
  const fetchFn = deps.fetch ?? fetch.bind(globalThis);
  const decodeRaster = deps.decodeRaster ?? decodeToPixels;
  const isolated = deps.crossOriginIsolated ?? self.crossOriginIsolated;
  const workerNavigator = globalThis.navigator as
    | (Navigator & { gpu?: Parameters<typeof probeWebGpu>[0] })
    | undefined;
  const cores = deps.hardwareConcurrency ?? workerNavigator?.hardwareConcurrency ?? 1;
  const gpu = 'gpu' in deps ? deps.gpu : workerNavigator?.gpu;
  const post = (message: EngineWorkerOutbound, transfer: Transferable[] = []) =>
    scope.postMessage(message, transfer);

  const transformers = async () => {
    const runtime = await loader.loaded;
    if (!runtime) throw new Error('transformers.js is not loaded yet.');
    return runtime.transformers;
  };

  const svgCalls = new Map<
    number,
    (answer: Extract<EngineWorkerInbound, { type: 'svg-pixels' }>) => void
  >();
  let nextCallId = 0;
  function rasteriseSvgInPage(image: AcquiredImage): Promise<DecodedPixels> {
    const callId = ++nextCallId;
    const bytes = image.bytes.slice().buffer;
    return new Promise((resolve, reject) => {
      svgCalls.set(callId, (answer) => {
        svgCalls.delete(callId);
        if (!answer.pixels) reject(new UserFacingError(answer.error ?? IMAGE_ERRORS.damaged));
        else
          resolve({
            data: new Uint8ClampedArray(answer.pixels.data),
            width: answer.pixels.width,
            height: answer.pixels.height,
          });
      });
      post({ type: 'rasterise-svg', callId, bytes, mimeType: image.type }, [bytes]);
    });
  }

  const engine = createVlmEngine({
    runtime: (backend) => loader.forBackend(backend),
    probeGpu: () => probeWebGpu(gpu),
    acquireImage: (input) => acquireImage(input, fetchFn),
    decodeImage: async (image) => {
      const pixels =
        image.type === 'image/svg+xml'
          ? await rasteriseSvgInPage(image)
          : await decodeRaster(image);
      const { RawImage } = await transformers();
      return new RawImage(pixels.data, pixels.width, pixels.height, 4);
    },
    onStatus: (status) => host.publishStatus(status),
    fetch: fetchFn,
    wasmThreadsNote: wasmThreadsNote(isolated, wasmThreadCount(isolated, cores)),
    watchGpuDevice: (onLost) => void transformers().then((t) => watchOrtDevice(t, onLost)),
  });
  const host = createEngineHost({
    engine,
    onIdle: () => post({ type: 'idle' }),
    // The page forwards these only where its host can unload (Firefox's event page).
    keepAlive: () => post({ type: 'keepalive' }),
  });

  let port: RelayedPort | null = null;
  scope.addEventListener('message', ({ data }) => {
    switch (data.type) {
      case 'port':
        port?.close();
        port = null;
        if (data.connected) {
          port = relayedPort(post);
          host.attach(port);
        }
        return;
      case 'command':
        port?.deliver(data.command);
        return;
      case 'svg-pixels':
        svgCalls.get(data.callId)?.(data);
        return;
    }
  });
}

interface RelayedPort extends TypedPort<EngineEvent, EngineCommand> {
  deliver(command: EngineCommand): void;
  close(): void;
}

/** The background's engine port as the worker sees it: through the page, one connection's worth. */
function relayedPort(post: (message: EngineWorkerOutbound) => void): RelayedPort {
  const onMessage: ((command: EngineCommand) => void)[] = [];
  const onDisconnect: (() => void)[] = [];
  let connected = true;
  const close = () => {
    if (!connected) return;
    connected = false;
    for (const cb of onDisconnect) cb();
  };
  return {
    get connected() {
      return connected;
    },
    post: (event) => {
      if (connected) post({ type: 'event', event });
    },
    onMessage: (cb) => void onMessage.push(cb),
    onDisconnect: (cb) => void onDisconnect.push(cb),
    disconnect: close,
    deliver: (command) => {
      if (connected) for (const cb of onMessage) cb(command);
    },
    close,
  };
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
