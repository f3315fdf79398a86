import { describe, expect, test } from 'vitest';
import { buildRuns, jspiSupported, ortBuildFor } from '@/src/vlm/ort-build';

describe('which onnxruntime-web build runs a backend', () => {
  test('JSPI is detected by WebAssembly.Suspending', () => {
    expect(jspiSupported({ Suspending: class {} })).toBe(true);
    expect(jspiSupported({})).toBe(false);
  });

  test('WASM always loads the plain build; WebGPU loads JSPI, or nothing without it', () => {
    expect(ortBuildFor('wasm', true)).toBe('plain');
    expect(ortBuildFor('wasm', false)).toBe('plain');
    expect(ortBuildFor('webgpu', true)).toBe('jspi');
    expect(ortBuildFor('webgpu', false)).toBeNull();
  });

  test('a loaded build runs WASM always, WebGPU only if it is not the plain build', () => {
    expect(buildRuns('plain', 'wasm')).toBe(true);
    expect(buildRuns('plain', 'webgpu')).toBe(false);
    expect(buildRuns('jspi', 'webgpu')).toBe(true);
    expect(buildRuns('jspi', 'wasm')).toBe(true);
  });
});
