// onnxruntime-web's runtime, shipped inside the extension: MV3 forbids loading code from a CDN.
// The .mjs is a file of its own, not bundled: its threads start as workers from its own URL.
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { wasmThreadCount, wasmThreadsNote } from './backend';

export interface OrtRuntime {
  wasmPaths: { wasm: string; mjs: string };
  wasmThreads: number;
  /** For the status line: the thread count, and why when it is one. */
  wasmThreadsNote: string;
}

/** Where this extension page finds ORT's files, and how many threads it may use. */
export function ortRuntime(): OrtRuntime {
  const threads = wasmThreadCount(self.crossOriginIsolated, navigator.hardwareConcurrency);
  return {
    wasmPaths: {
      wasm: new URL(ortWasmUrl, location.href).href,
      mjs: new URL(ortMjsUrl, location.href).href,
    },
    wasmThreads: threads,
    wasmThreadsNote: wasmThreadsNote(self.crossOriginIsolated, threads),
  };
}
