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
  const tensors = {
    float32: (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims),
    int64: (data: BigInt64Array, dims: number[]) => new ort.Tensor('int64', data, dims),
  };
  return timeDecodeLoop(tensors, session, options);
}

/** What the loop needs of an onnxruntime package: onnxruntime-web and -node share it. */
interface LoopTensors<T> {
  float32(data: Float32Array, dims: number[]): T;
  int64(data: BigInt64Array, dims: number[]): T;
}
interface LoopSession<T> {
  readonly inputNames: readonly string[];
  run(feeds: Record<string, T>): Promise<Record<string, T>>;
  release(): Promise<void>;
}

/**
 * The decode loop itself, on any ORT: a random embedding per step, the KV cache fed back, the
 * decoder's run timed alone. Releases the session when done.
 */
export async function timeDecodeLoop<T extends { dispose(): void }>(
  tensors: LoopTensors<T>,
  session: LoopSession<T>,
  options: Omit<RawDecodeOptions, 'decoderUrl'>,
): Promise<RawDecodeResult> {
  const { hidden, layers, kvHeads, headDim, pastTokens } = options;
  const random = (size: number) => new Float32Array(size).map(() => Math.random() - 0.5);
  let past: Record<string, T> = {};
  for (let l = 0; l < layers; l++)
    for (const kind of ['key', 'value'] as const)
      past[`past_key_values.${l}.${kind}`] = tensors.float32(
        random(kvHeads * pastTokens * headDim),
        [1, kvHeads, pastTokens, headDim],
      );
  const msPerStep: number[] = [];
  try {
    for (let step = 0; step < options.steps; step++) {
      const position = pastTokens + step;
      const feeds: Record<string, T> = {
        inputs_embeds: tensors.float32(random(hidden), [1, 1, hidden]),
        attention_mask: tensors.int64(new BigInt64Array(position + 1).fill(1n), [1, position + 1]),
        position_ids: tensors.int64(BigInt64Array.of(BigInt(position)), [1, 1]),
        ...past,
      };
      const started = performance.now();
      const out = await session.run(
        Object.fromEntries(
          Object.entries(feeds).filter(([name]) => session.inputNames.includes(name)),
        ),
      );
      msPerStep.push(performance.now() - started);
      const next: Record<string, T> = {};
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
