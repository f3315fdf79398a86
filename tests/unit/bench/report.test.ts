import { describe, expect, test } from 'vitest';
import { checkTargets, targetsTable } from '../../../bench/lib/report';
import { ratio, summarize } from '../../../bench/lib/stats';

describe('bench statistics and targets', () => {
  test('median, min and max over runs; odd and even counts; failed runs left out', () => {
    expect(summarize([30, 10, 20])).toMatchObject({ median: 20, min: 10, max: 30 });
    expect(summarize([4, 1, 3, 2]).median).toBe(2.5);
    expect(summarize([5, Number.NaN, 7]).runs).toEqual([5, 7]);
    expect(summarize([]).median).toBeNaN();
    expect(ratio(summarize([1]), summarize([4]))).toBe(0.25);
    expect(ratio(summarize([1]), summarize([]))).toBeNaN();
  });

  const figures = {
    prefill_ttft_ratio: 0.2,
    decode_vs_raw_ort: 0.95,
    decode_vs_raw_ort_worker: 0.97,
    decode_vs_native: 0.45,
    followup_ttft_ratio: 0.05,
    decode_vs_reference: 1.02,
    ttft_vs_reference: 0.1,
    followup_vs_reference: 0.01,
    overhead_pct: 6,
    decode_vs_bandwidth_bound: 0.4,
    main_thread_stall_ms: 1700,
  };

  test('each target passes or fails on its own threshold', () => {
    const verdicts = Object.fromEntries(checkTargets('wasm', figures).map((t) => [t.key, t.pass]));
    expect(verdicts).toEqual({
      prefill_ttft_ratio: false,
      decode_vs_raw_ort: true,
      decode_vs_raw_ort_worker: null,
      decode_vs_native: null,
      followup_ttft_ratio: true,
      decode_vs_reference: true,
      ttft_vs_reference: null,
      followup_vs_reference: true,
      overhead_pct: false,
      decode_vs_bandwidth_bound: false,
      main_thread_stall_ms: false,
    });
    expect(
      checkTargets('wasm', { ...figures, main_thread_stall_ms: 40 }).find(
        (t) => t.key === 'main_thread_stall_ms',
      )?.pass,
    ).toBe(true);
    // The bandwidth target is the WASM one; WebGPU reports the figure only.
    const gpu = checkTargets('webgpu', figures).find((t) => t.key === 'decode_vs_bandwidth_bound');
    expect(gpu?.pass).toBeNull();
    // So is the raw ORT-web loop's: it runs the WASM execution provider.
    const raw = checkTargets('webgpu', figures).find((t) => t.key === 'decode_vs_raw_ort');
    expect(raw?.pass).toBeNull();
    // A figure that failed to measure never passes.
    const missing = checkTargets('wasm', { ...figures, overhead_pct: Number.NaN });
    expect(missing.find((t) => t.key === 'overhead_pct')?.pass).toBe(false);
  });

  test('the table shows PASS and FAIL per target', () => {
    const table = targetsTable('wasm', checkTargets('wasm', figures));
    expect(table).toContain(
      '| wasm | Extension overhead, % of ask-to-done | 6.0 % | ≤ 5 % | FAIL |',
    );
    expect(table).toContain('| wasm | Decode speed ÷ reference flow | 1.02× | ≥ 1.0× | PASS |');
    expect(table).toContain('| 1700 ms | ≤ 100 ms | FAIL |');
    expect(table).toContain(
      '| wasm | TTFT from the click, asked 3 s after opening (prefilled) ÷ first-question TTFT | 0.20× | ≤ 0.15× | FAIL |',
    );
    expect(table).toContain(
      '| wasm | Decode speed ÷ native onnxruntime-node (Node) | 0.45× | (reported) | — |',
    );
  });
});
