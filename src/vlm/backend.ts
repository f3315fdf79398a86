import type { Backend, BackendPreference, DtypeMap } from '@/src/messaging/protocol';

export interface GpuProbe {
  available: boolean;
  shaderF16: boolean;
  /** e.g. "google swiftshader (fallback adapter)"; empty when there is no adapter. */
  adapter: string;
}

interface GpuAdapterLike {
  features: { has(name: string): boolean };
  info?: { vendor?: string; architecture?: string; description?: string };
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

export async function probeWebGpu(gpu: GpuLike | undefined): Promise<GpuProbe> {
  const none = { available: false, shaderF16: false, adapter: '' };
  if (!gpu) return none;
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return none;
    const info = adapter.info;
    const name =
      [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') ||
      'unknown GPU';
    const fallback = adapter.isFallbackAdapter || /swiftshader/i.test(name);
    return {
      available: true,
      shaderF16: adapter.features.has('shader-f16'),
      adapter: fallback ? `${name} (software fallback adapter)` : name,
    };
  } catch {
    return none;
  }
}

export interface BackendChoice {
  backend: Backend;
  reason: string;
}

export function chooseBackend(preference: BackendPreference, probe: GpuProbe): BackendChoice {
  if (preference === 'wasm') return { backend: 'wasm', reason: 'WASM was chosen in Options.' };
  if (probe.available) {
    return {
      backend: 'webgpu',
      reason:
        preference === 'webgpu'
          ? `WebGPU was chosen in Options (${probe.adapter}).`
          : `WebGPU is available (${probe.adapter}).`,
    };
  }
  return {
    backend: 'wasm',
    reason:
      preference === 'webgpu'
        ? 'WebGPU was chosen in Options, but this browser has no WebGPU adapter, so Glimpse uses WASM.'
        : 'This browser has no WebGPU adapter, so Glimpse uses WASM on the CPU.',
  };
}

/**
 * dtypes per module and backend. WebGPU with shader-f16 takes half-precision weights and a
 * 4-bit decoder; without f16 it keeps fp32 activations (q8 decoders give gibberish on WebGPU,
 * transformers.js #1317). WASM takes 8-bit everywhere: measured on the shape-faithful 256M in the
 * extension (2 threads), the q8 decoder (MatMulInteger) decodes ~5× faster than q4, whose
 * MatMulNBits kernel is slow in onnxruntime-web's WASM build, and ~1.7× faster than fp32.
 */
export function chooseDtypes(
  backend: Backend,
  shaderF16: boolean,
  overrides: Partial<DtypeMap> = {},
): DtypeMap {
  const base: DtypeMap =
    backend === 'webgpu'
      ? shaderF16
        ? { vision_encoder: 'fp16', embed_tokens: 'fp16', decoder_model_merged: 'q4f16' }
        : { vision_encoder: 'fp32', embed_tokens: 'fp32', decoder_model_merged: 'q4' }
      : { vision_encoder: 'q8', embed_tokens: 'q8', decoder_model_merged: 'q8' };
  return { ...base, ...overrides };
}

/** Threads can't exceed this: past it the gain on decode is small and the page's own work starves. */
export const MAX_WASM_THREADS = 8;

/**
 * What the status line adds on WASM: how many CPU threads, and why only one. Firefox never gives
 * extension pages cross-origin isolation (its manifest has no COOP/COEP keys), so it runs on one.
 */
export function wasmThreadsNote(crossOriginIsolated: boolean, threads: number): string {
  if (!crossOriginIsolated)
    return "It runs on one CPU thread: this browser doesn't give extension pages the cross-origin isolation that more threads need.";
  return threads === 1 ? 'It runs on one CPU thread.' : `It runs on ${threads} CPU threads.`;
}

/**
 * Threads for onnxruntime-web's WASM backend. They need SharedArrayBuffer, so cross-origin
 * isolation; ORT's own default (half the cores, at most 4) leaves a 2-core laptop on one.
 */
export function wasmThreadCount(crossOriginIsolated: boolean, cores: number | undefined): number {
  if (!crossOriginIsolated) return 1;
  return Math.max(1, Math.min(MAX_WASM_THREADS, cores ?? 1));
}
