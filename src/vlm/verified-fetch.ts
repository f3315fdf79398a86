/**
 * Wraps fetch so that a body that ends before (or runs past) its Content-Length fails as a
 * stream error. transformers.js caches a file only after reading its whole body, so a cut
 * connection then never leaves a partial file in the cache for a later load to trust.
 */
export function createVerifiedFetch(fetchImpl: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await fetchImpl(input, init);
    const declared = Number(response.headers.get('content-length'));
    const encoding = response.headers.get('content-encoding');
    // A compressed body's length differs from what the stream yields: nothing to verify against.
    if (
      !response.body ||
      !Number.isFinite(declared) ||
      declared <= 0 ||
      (encoding && encoding !== 'identity')
    ) {
      return response;
    }
    let received = 0;
    const checked = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          received += chunk.byteLength;
          if (received > declared) {
            controller.error(new TruncatedDownloadError(declared, received));
            return;
          }
          controller.enqueue(chunk);
        },
        flush(controller) {
          if (received !== declared)
            controller.error(new TruncatedDownloadError(declared, received));
        },
      }),
    );
    return new Response(checked, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

export class TruncatedDownloadError extends Error {
  override name = 'TruncatedDownloadError';
  constructor(
    readonly expected: number,
    readonly received: number,
  ) {
    super(`Download ended at ${received} of ${expected} bytes.`);
  }
}
