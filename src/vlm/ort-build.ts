import type { Backend } from '@/src/messaging/protocol';

/**
 * onnxruntime-web's WASM builds. `plain` runs only the WASM backend; `jspi` and `asyncify` also
 * run WebGPU (its calls into the GPU must suspend WebAssembly). Glimpse ships plain and JSPI.
 */
export type OrtBuild = 'plain' | 'jspi' | 'asyncify';

/** JavaScript Promise Integration (on by default since Chrome 137): what the JSPI build needs. */
export function jspiSupported(wasm: object = WebAssembly): boolean {
  return typeof (wasm as { Suspending?: unknown }).Suspending === 'function';
}

/**
 * The fastest build that runs a backend correctly here. Measured on the shape-faithful q8
 * decoder in Chromium, 2 threads, interleaved (bench/probe-ort-builds.ts): plain about 41 tok/s,
 * JSPI about 29 (same median step, more slow steps), asyncify about 14. So WASM loads plain;
 * WebGPU needs JSPI (asyncify costs 2–3× per operator call and is not shipped), and without
 * JSPI the backend falls back to WASM on the plain build.
 */
export function ortBuildFor(backend: Backend, jspi: boolean): OrtBuild | null {
  if (backend === 'wasm') return 'plain';
  return jspi ? 'jspi' : null;
}

/** Whether a build already loaded into the page can run a backend. */
export function buildRuns(build: OrtBuild, backend: Backend): boolean {
  return backend === 'wasm' || build !== 'plain';
}
