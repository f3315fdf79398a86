/**
 * The raw onnxruntime-web decode loop: the decoder's `session.run` alone, fed its own KV cache
 * back, with no transformers.js, no sampling, no streaming. What Glimpse's decode is measured
 * against. Runs in the bench page (cross-origin isolated, same threads as the engine).
 */
import type * as Ort from 'onnxruntime-web';

export interface RawDecodeOptions {
  decoderUrl: string;
  threads: number;
  /** Tokens already in the cache when the loop starts (Glimpse's first-turn prompt length). */
  pastTokens: number;
  steps: number;
  hidden: number;
  layers: number;
  kvHeads: number;
  headDim: number;
  /**
   * Hand ORT the .wasm as bytes (as transformers.js does with its wasm cache) instead of letting
   * it stream-compile from the URL: compiled code can then not come from V8's code cache.
   */
  wasmAsBytes?: boolean;
}

export interface RawDecodeResult {
  msPerStep: number[];
  tokensPerSecond: number;
  medianMsPerStep: number;
}

export async function rawDecode(
  ort: typeof Ort,
  wasmPaths: { mjs: string; wasm: string },
  options: RawDecodeOptions,
): Promise<RawDecodeResult> {
  ort.env.wasm.wasmPaths = wasmPaths;
  ort.env.wasm.numThreads = options.threads;
  ort.env.wasm.proxy = false;
  if (options.wasmAsBytes)
    ort.env.wasm.wasmBinary = await (await fetch(wasmPaths.wasm)).arrayBuffer();
  const bytes = new Uint8Array(await (await fetch(options.decoderUrl)).arrayBuffer());
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const { hidden, layers, kvHeads, headDim } = options;
  let past: Record<string, Ort.Tensor> = {};
  for (let l = 0; l < layers; l++) {
    for (const kind of ['key', 'value'] as const) {
      const size = kvHeads * options.pastTokens * headDim;
      const data = new Float32Array(size).map(() => Math.random() - 0.5);
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
      const embeds = new Float32Array(hidden).map(() => Math.random() - 0.5);
      const feeds: Record<string, Ort.Tensor> = {
        inputs_embeds: new ort.Tensor('float32', embeds, [1, 1, hidden]),
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
      const next: Record<string, Ort.Tensor> = {};
      for (const [name, tensor] of Object.entries(out)) {
        if (name.startsWith('present.'))
          next[name.replace('present.', 'past_key_values.')] = tensor;
        else tensor.dispose();
      }
      for (const tensor of Object.values(past)) tensor.dispose();
      past = next;
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
