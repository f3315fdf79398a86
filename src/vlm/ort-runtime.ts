// onnxruntime-web's runtime, shipped inside the extension: MV3 forbids loading code from a CDN.
// Each build's .mjs is a file of its own, not bundled: its threads start as workers from its URL.
import jspiMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jspi.mjs?url';
import jspiWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jspi.wasm?url';
import plainMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import plainWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import type { Backend } from '@/src/messaging/protocol';
import { wasmThreadCount } from './backend';
import { buildRuns, jspiSupported, type OrtBuild, ortBuildFor } from './ort-build';
import type { TransformersModule } from './transformers-adapter';

export type { OrtBuild } from './ort-build';

export interface OrtRuntime {
  transformers: TransformersModule;
  build: OrtBuild;
  wasmPaths: { wasm: string; mjs: string };
  wasmThreads: number;
}

// transformers.js bound to each build (a build plugin in wxt.config.ts rewrites its ORT import).
const SHIPPED = {
  plain: {
    transformers: () => import('@huggingface/transformers?ort=plain'),
    mjs: plainMjsUrl,
    wasm: plainWasmUrl,
  },
  jspi: {
    transformers: () => import('@huggingface/transformers?ort=jspi'),
    mjs: jspiMjsUrl,
    wasm: jspiWasmUrl,
  },
} as const;

const WEBGPU_NEEDS_JSPI =
  'WebGPU needs a browser with WebAssembly JSPI (Chrome 137 or later), so Glimpse runs on WASM.';
const WEBGPU_AFTER_RESTART =
  "Glimpse's engine started on WASM; WebGPU takes over when the engine restarts (after it has been idle a while).";

/**
 * Loads transformers.js on the fastest onnxruntime-web build for the first backend asked for.
 * The build stays for the page's life (two ORT runtimes in one page would each hold their own
 * threads and memory): a later backend that build cannot run is unavailable, and the engine
 * falls back to WASM on what is loaded.
 */
export function createOrtLoader() {
  let loading: Promise<OrtRuntime> | null = null;
  let loadedBuild: OrtBuild | null = null;

  async function load(build: keyof typeof SHIPPED): Promise<OrtRuntime> {
    const files = SHIPPED[build];
    const transformers = (await files.transformers()) as TransformersModule;
    return {
      transformers,
      build,
      wasmPaths: {
        wasm: new URL(files.wasm, location.href).href,
        mjs: new URL(files.mjs, location.href).href,
      },
      wasmThreads: wasmThreadCount(self.crossOriginIsolated, navigator.hardwareConcurrency),
    };
  }

  return {
    /** The runtime for a backend, or why this page cannot run that backend (see above). */
    async forBackend(backend: Backend): Promise<OrtRuntime | { unavailable: string }> {
      if (loading && loadedBuild) {
        return buildRuns(loadedBuild, backend) ? loading : { unavailable: WEBGPU_AFTER_RESTART };
      }
      const build = ortBuildFor(backend, jspiSupported());
      if (build === null || build === 'asyncify') return { unavailable: WEBGPU_NEEDS_JSPI };
      loadedBuild = build;
      loading = load(build);
      return loading;
    },
    /** The runtime already loaded, if any. */
    get loaded(): Promise<OrtRuntime> | null {
      return loading;
    },
  };
}
export type OrtLoader = ReturnType<typeof createOrtLoader>;
