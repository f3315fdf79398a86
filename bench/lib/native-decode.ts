/**
 * The decode loop of bench/raw-ort.ts, on native onnxruntime-node in Node: the ceiling the
 * browser's WASM runtimes are compared with (labelled native: it is not a browser figure).
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { type RawDecodeOptions, type RawDecodeResult, timeDecodeLoop } from '../raw-ort';

export async function nativeDecode(
  decoderFile: string,
  options: Omit<RawDecodeOptions, 'decoderUrl'>,
): Promise<RawDecodeResult> {
  const session = await ort.InferenceSession.create(readFileSync(decoderFile), {
    executionProviders: ['cpu'],
    intraOpNumThreads: options.threads,
    interOpNumThreads: 1,
  });
  const tensors = {
    float32: (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims),
    int64: (data: BigInt64Array, dims: number[]) => new ort.Tensor('int64', data, dims),
  };
  return timeDecodeLoop(tensors, session, options);
}
