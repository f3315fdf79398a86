import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as transformers from '@huggingface/transformers';
import type { EngineStatus } from '@/src/messaging/protocol';
import { UserFacingError } from '@/src/messaging/user-error';
import { createVlmEngine, type EngineDeps } from '@/src/vlm/engine';
import { acquireImage, IMAGE_ERRORS } from '@/src/vlm/image-acquire';

/** The real engine on onnxruntime-node, with a throwaway file cache and sharp decoding images. */
export function createNodeEngine(
  options: {
    fetch?: typeof fetch;
    transformers?: typeof transformers;
    /** Picks transformers.js per backend, as the browser's ORT loader does. */
    runtime?: EngineDeps['runtime'];
    /** Pretend a WebGPU adapter exists (the backend is then chosen, then mapped to "cpu"). */
    gpu?: boolean;
    onStatus?: (status: EngineStatus) => void;
  } = {},
) {
  transformers.env.cacheDir = mkdtempSync(join(tmpdir(), 'glimpse-model-cache-'));
  transformers.env.useFSCache = true;
  const statuses: EngineStatus[] = [];
  const engine = createVlmEngine({
    ...(options.runtime
      ? { runtime: options.runtime }
      : { transformers: options.transformers ?? transformers }),
    probeGpu: async () => ({ available: options.gpu ?? false, shaderF16: false, adapter: '' }),
    acquireImage: (input) => acquireImage(input, options.fetch ?? fetch),
    decodeImage: async ({ bytes }) => {
      try {
        return await transformers.RawImage.fromBlob(new Blob([new Uint8Array(bytes)]));
      } catch {
        throw new UserFacingError(IMAGE_ERRORS.damaged);
      }
    },
    onStatus: (status) => {
      statuses.push(status);
      options.onStatus?.(status);
    },
    fetch: options.fetch ?? fetch,
    deviceFor: () => 'cpu',
  });
  return { engine, statuses };
}
