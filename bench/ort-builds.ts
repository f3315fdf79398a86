/** Every onnxruntime-web build, for the bench's raw decode loop (the product ships fewer). */

import type * as Ort from 'onnxruntime-web';
import asyncifyMjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import asyncifyWasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import jspiMjs from 'onnxruntime-web/ort-wasm-simd-threaded.jspi.mjs?url';
import jspiWasm from 'onnxruntime-web/ort-wasm-simd-threaded.jspi.wasm?url';
import plainMjs from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import plainWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import type { OrtBuild } from '@/src/vlm/ort-runtime';

const abs = (url: string) => new URL(url, location.href).href;

export async function loadBuild(
  build: OrtBuild,
): Promise<{ ort: typeof Ort; wasmPaths: { mjs: string; wasm: string } }> {
  switch (build) {
    case 'plain':
      return {
        ort: (await import('onnxruntime-web/wasm')) as typeof Ort,
        wasmPaths: { mjs: abs(plainMjs), wasm: abs(plainWasm) },
      };
    case 'jspi':
      return {
        ort: (await import('onnxruntime-web/jspi')) as typeof Ort,
        wasmPaths: { mjs: abs(jspiMjs), wasm: abs(jspiWasm) },
      };
    case 'asyncify':
      return {
        ort: (await import('onnxruntime-web/webgpu')) as typeof Ort,
        wasmPaths: { mjs: abs(asyncifyMjs), wasm: abs(asyncifyWasm) },
      };
  }
}
