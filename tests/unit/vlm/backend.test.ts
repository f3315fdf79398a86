import { describe, expect, test } from 'vitest';
import {
  chooseBackend,
  chooseDtypes,
  MAX_WASM_THREADS,
  probeWebGpu,
  wasmThreadCount,
  wasmThreadsNote,
} from '@/src/vlm/backend';

const adapter = (
  features: string[],
  info = { vendor: 'google', architecture: 'swiftshader', description: '' },
) => ({
  features: new Set(features),
  info,
  isFallbackAdapter: true,
});

describe('backend choice', () => {
  test('probes a WebGPU adapter and its shader-f16 feature', async () => {
    expect(await probeWebGpu(undefined)).toEqual({
      available: false,
      shaderF16: false,
      adapter: '',
    });
    expect(await probeWebGpu({ requestAdapter: async () => null })).toMatchObject({
      available: false,
    });
    expect(
      await probeWebGpu({
        requestAdapter: async () => {
          throw new Error('GPU process crashed');
        },
      }),
    ).toMatchObject({ available: false });
    expect(await probeWebGpu({ requestAdapter: async () => adapter(['shader-f16']) })).toEqual({
      available: true,
      shaderF16: true,
      adapter: 'google swiftshader (software fallback adapter)',
    });
  });

  test('auto takes WebGPU when there is an adapter, else WASM, and says why', () => {
    const gpu = { available: true, shaderF16: false, adapter: 'nvidia ampere' };
    const none = { available: false, shaderF16: false, adapter: '' };
    expect(chooseBackend('auto', gpu)).toEqual({
      backend: 'webgpu',
      reason: 'WebGPU is available (nvidia ampere).',
    });
    expect(chooseBackend('auto', none)).toEqual({
      backend: 'wasm',
      reason: 'This browser has no WebGPU adapter, so Glimpse uses WASM on the CPU.',
    });
    expect(chooseBackend('wasm', gpu)).toEqual({
      backend: 'wasm',
      reason: 'WASM was chosen in Options.',
    });
    expect(chooseBackend('webgpu', none).backend).toBe('wasm');
    expect(chooseBackend('webgpu', none).reason).toMatch(
      /chosen in Options, but this browser has no WebGPU adapter/,
    );
  });

  test('dtypes per module and backend, with overrides', () => {
    expect(chooseDtypes('webgpu', true)).toEqual({
      vision_encoder: 'fp16',
      embed_tokens: 'fp16',
      decoder_model_merged: 'q4f16',
    });
    // No q8 decoder on WebGPU (transformers.js #1317): fp32 activations with a q4 decoder.
    expect(chooseDtypes('webgpu', false)).toEqual({
      vision_encoder: 'fp32',
      embed_tokens: 'fp32',
      decoder_model_merged: 'q4',
    });
    expect(chooseDtypes('wasm', true)).toEqual({
      vision_encoder: 'q8',
      embed_tokens: 'q8',
      decoder_model_merged: 'q8',
    });
    expect(chooseDtypes('wasm', false, { decoder_model_merged: 'q4' }).decoder_model_merged).toBe(
      'q4',
    );
  });

  test('WASM threads: every core up to a cap, and one without cross-origin isolation', () => {
    expect(wasmThreadCount(true, 2)).toBe(2);
    expect(wasmThreadCount(true, 64)).toBe(MAX_WASM_THREADS);
    expect(wasmThreadCount(true, undefined)).toBe(1);
    expect(wasmThreadCount(false, 16)).toBe(1);
  });
});

describe('WASM thread note for the status line', () => {
  test('says one thread and why when the page is not cross-origin isolated (Firefox)', () => {
    expect(wasmThreadsNote(false, 1)).toMatch(
      /^It runs on one CPU thread: .*cross-origin isolation/,
    );
    expect(wasmThreadsNote(true, 4)).toBe('It runs on 4 CPU threads.');
    expect(wasmThreadsNote(true, 1)).toBe('It runs on one CPU thread.');
  });
});
