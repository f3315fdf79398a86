import { describe, expect, test } from 'vitest';
import { createVerifiedFetch, TruncatedDownloadError } from '@/src/vlm/verified-fetch';

function respond(chunks: Uint8Array[], headers: Record<string, string>): typeof fetch {
  return async () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(chunk);
          controller.close();
        },
      }),
      { headers },
    );
}

describe('verified fetch', () => {
  test('a body shorter than its Content-Length fails, so it is never cached', async () => {
    const fetch = createVerifiedFetch(respond([new Uint8Array(40)], { 'content-length': '100' }));
    const response = await fetch('https://mirror.test/model.onnx');
    await expect(response.arrayBuffer()).rejects.toThrow(TruncatedDownloadError);
  });

  test('a body longer than declared fails too', async () => {
    const fetch = createVerifiedFetch(
      respond([new Uint8Array(60), new Uint8Array(60)], { 'content-length': '100' }),
    );
    await expect((await fetch('x')).arrayBuffer()).rejects.toThrow(
      'Download ended at 120 of 100 bytes.',
    );
  });

  test('a complete body passes through unchanged, with status and headers', async () => {
    const bytes = Uint8Array.from({ length: 100 }, (_, i) => i);
    const fetch = createVerifiedFetch(
      respond([bytes.subarray(0, 30), bytes.subarray(30)], { 'content-length': '100', etag: 'x' }),
    );
    const response = await fetch('x');
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('x');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
  });

  test('compressed or unsized bodies cannot be checked and pass through', async () => {
    const gz = createVerifiedFetch(
      respond([new Uint8Array(10)], { 'content-length': '3', 'content-encoding': 'gzip' }),
    );
    expect((await (await gz('x')).arrayBuffer()).byteLength).toBe(10);
    const unsized = createVerifiedFetch(respond([new Uint8Array(10)], {}));
    expect((await (await unsized('x')).arrayBuffer()).byteLength).toBe(10);
  });
});
