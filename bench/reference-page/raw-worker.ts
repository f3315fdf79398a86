/**
 * The raw decode loop in a dedicated worker of the bench page: the same place the engine runs
 * (a worker with onnxruntime's own threads under it), so its speed tells the cost of running in
 * a worker from the cost of Glimpse's code around the decoder.
 */
import type { OrtBuild } from '@/src/vlm/ort-runtime';
import { loadBuild } from '../ort-builds';
import { type RawDecodeOptions, type RawDecodeResult, rawDecode } from '../raw-ort';

export interface RawWorkerRequest {
  build: OrtBuild;
  options: RawDecodeOptions;
}
export type RawWorkerReply = { result: RawDecodeResult } | { error: string };

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<RawWorkerRequest>) => void) | null;
  postMessage(reply: RawWorkerReply): void;
};

scope.onmessage = async ({ data }) => {
  try {
    const { ort, wasmPaths } = await loadBuild(data.build);
    scope.postMessage({ result: await rawDecode(ort, wasmPaths, data.options) });
  } catch (error) {
    scope.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};
