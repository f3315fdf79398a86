import type { Summary } from './stats';

export interface Target {
  key: string;
  label: string;
  value: number;
  /** "≤ 0.15×" and the like; null when the figure is reported without a target. */
  target: string | null;
  pass: boolean | null;
}

/** The headline figures the issue names, checked against their targets. */
export function checkTargets(
  backend: string,
  figures: {
    prefill_ttft_ratio: number;
    decode_vs_raw_ort: number;
    decode_vs_raw_ort_worker: number;
    decode_vs_native: number;
    followup_ttft_ratio: number;
    decode_vs_reference: number;
    ttft_vs_reference: number;
    followup_vs_reference: number;
    overhead_pct: number;
    decode_vs_bandwidth_bound: number;
    main_thread_stall_ms: number;
  },
): Target[] {
  const check = (
    key: keyof typeof figures,
    label: string,
    target: string | null,
    ok: (v: number) => boolean,
  ): Target => {
    const value = figures[key];
    return {
      key,
      label,
      value,
      target,
      pass: target === null ? null : Number.isFinite(value) && ok(value),
    };
  };
  return [
    check(
      'prefill_ttft_ratio',
      'TTFT from the click, asked 3 s after opening (prefilled) ÷ first-question TTFT',
      '≤ 0.15×',
      (v) => v <= 0.15,
    ),
    check(
      'decode_vs_raw_ort',
      'Decode speed ÷ raw ORT-web session.run loop (same build, decoder, threads)',
      backend === 'wasm' ? '≥ 0.9×' : null,
      (v) => v >= 0.9,
    ),
    check(
      'decode_vs_raw_ort_worker',
      'Decode speed ÷ the same raw loop in a dedicated worker, where the engine runs',
      null,
      () => true,
    ),
    check('decode_vs_native', 'Decode speed ÷ native onnxruntime-node (Node)', null, () => true),
    check(
      'followup_ttft_ratio',
      'Follow-up TTFT ÷ first-question TTFT',
      '≤ 0.15×',
      (v) => v <= 0.15,
    ),
    check('decode_vs_reference', 'Decode speed ÷ reference flow', '≥ 1.0×', (v) => v >= 1.0),
    check('ttft_vs_reference', 'First-question TTFT ÷ reference flow', null, () => true),
    check(
      'followup_vs_reference',
      'Follow-up TTFT ÷ reference flow',
      '≤ 0.5× (far below 1)',
      (v) => v <= 0.5,
    ),
    check('overhead_pct', 'Extension overhead, % of ask-to-done', '≤ 5 %', (v) => v <= 5),
    check(
      'decode_vs_bandwidth_bound',
      'Decode ÷ memory-bandwidth ceiling',
      backend === 'wasm' ? '≥ 50 %' : null,
      (v) => v >= 0.5,
    ),
    check(
      'main_thread_stall_ms',
      "Longest stall of the extension's main thread (panel, popup) while the image is read",
      '≤ 100 ms',
      (v) => v <= 100,
    ),
  ];
}

const fmt = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : '—');

export function targetsTable(backend: string, targets: Target[]): string {
  const rows = targets.map((t) => {
    const value =
      t.key === 'overhead_pct'
        ? `${fmt(t.value, 1)} %`
        : t.key === 'main_thread_stall_ms'
          ? `${fmt(t.value, 0)} ms`
          : t.key === 'decode_vs_bandwidth_bound'
            ? `${fmt(t.value * 100, 0)} %`
            : `${fmt(t.value)}×`;
    const verdict = t.pass === null ? '—' : t.pass ? 'PASS' : 'FAIL';
    return `| ${backend} | ${t.label} | ${value} | ${t.target ?? '(reported)'} | ${verdict} |`;
  });
  return [
    '| Backend | Figure | Measured | Target | Result |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** One line per measured figure: median (min–max) over the runs. */
export function figuresTable(backend: string, rows: [string, Summary, string][]): string {
  const lines = rows.map(
    ([label, s, unit]) =>
      `| ${backend} | ${label} | ${fmt(s.median, 1)} ${unit} | ${fmt(s.min, 1)}–${fmt(s.max, 1)} | ${s.runs.length} |`,
  );
  return ['| Backend | Figure | Median | Min–max | Runs |', '|---|---|---|---|---|', ...lines].join(
    '\n',
  );
}
