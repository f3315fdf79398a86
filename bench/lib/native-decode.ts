/**
 * The same decode loop as bench/raw-ort.ts, on native onnxruntime-node in Node: the ceiling the
 * browser's WASM runtimes are compared with (labelled native: it is not a browser figure).
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import type { RawDecodeOptions, RawDecodeResult } from '../raw-ort';

export async function nativeDecode(
  decoderFile: string,
  options: Omit<RawDecodeOptions, 'decoderUrl'>,
): Promise<RawDecodeResult> {
  const session = await ort.InferenceSession.create(readFileSync(decoderFile), {
    executionProviders: ['cpu'],
    intraOpNumThreads: options.threads,
    interOpNumThreads: 1,
  });
  const { hidden, layers, kvHeads, headDim } = options;
  let past: Record<string, ort.Tensor> = {};
  for (let l = 0; l < layers; l++) {
    for (const kind of ['key', 'value'] as const) {
      const data = new Float32Array(kvHeads * options.pastTokens * headDim).map(
        () => Math.random() - 0.5,
      );
      past[`past_key_values.${l}.${kind}`] = new ort.Tensor('float32', data, [
        1,
        kvHeads,
        options.pastTokens,
        headDim,
      ]);
    }
  }
  const msPerStep: number[] = [];
  try {
    for (let step = 0; step < options.steps; step++) {
      const position = options.pastTokens + step;
      const feeds: Record<string, ort.Tensor> = {
        inputs_embeds: new ort.Tensor(
          'float32',
          new Float32Array(hidden).map(() => Math.random() - 0.5),
          [1, 1, hidden],
        ),
        attention_mask: new ort.Tensor('int64', new BigInt64Array(position + 1).fill(1n), [
          1,
          position + 1,
        ]),
        position_ids: new ort.Tensor('int64', BigInt64Array.of(BigInt(position)), [1, 1]),
        ...past,
      };
      const started = performance.now();
      const out = await session.run(
        Object.fromEntries(
          Object.entries(feeds).filter(([name]) => session.inputNames.includes(name)),
        ),
      );
      msPerStep.push(performance.now() - started);
      past = {};
      for (const [name, tensor] of Object.entries(out))
        if (name.startsWith('present.'))
          past[name.replace('present.', 'past_key_values.')] = tensor;
    }
  } finally {
    await session.release();
  }
  const sorted = [...msPerStep].sort((a, b) => a - b);
  const total = msPerStep.reduce((a, b) => a + b, 0);
  return {
    msPerStep,
    tokensPerSecond: (msPerStep.length * 1000) / total,
    medianMsPerStep: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
  };
}
