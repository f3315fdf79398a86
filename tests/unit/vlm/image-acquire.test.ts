import { describe, expect, test } from 'vitest';
import { acquireImage, encodeBase64, IMAGE_ERRORS, MAX_IMAGE_BYTES } from '@/src/vlm/image-acquire';
import { sniffImageType } from '@/src/vlm/image-sniff';
import { paintPng } from '../../../scripts/lib/png';

const png = new Uint8Array(paintPng(4, 4, () => [1, 2, 3]));
const svg = new TextEncoder().encode(
  '<?xml version="1.0"?>\n<!-- x --><svg xmlns="http://www.w3.org/2000/svg"/>',
);
const fetchOf =
  (response: Response | Error): typeof fetch =>
  async () => {
    if (response instanceof Error) throw response;
    return response;
  };

describe('image sniffing', () => {
  test('recognises formats by their bytes, not their names', () => {
    expect(sniffImageType(png)).toBe('image/png');
    expect(sniffImageType(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffImageType(new TextEncoder().encode('GIF89a....'))).toBe('image/gif');
    expect(sniffImageType(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(
      sniffImageType(Uint8Array.from([0, 0, 0, 28, ...new TextEncoder().encode('ftypavif')])),
    ).toBe('image/avif');
    expect(sniffImageType(svg)).toBe('image/svg+xml');
    expect(sniffImageType(new TextEncoder().encode('<!doctype html><html>'))).toBeNull();
    expect(sniffImageType(new TextEncoder().encode('{"not":"an image"}'))).toBeNull();
  });
});

describe('image acquisition with an injected fetch', () => {
  test('http(s): bytes and a sniffed type, whatever the header claims', async () => {
    const got = await acquireImage(
      { kind: 'url', url: 'https://cdn.example/pic.jpg' },
      fetchOf(new Response(png, { headers: { 'content-type': 'text/html' } })),
    );
    expect(got.type).toBe('image/png');
    expect(got.bytes).toEqual(new Uint8Array(png));
  });

  test('data: URLs and base64 bytes from the page', async () => {
    const dataUrl = `data:image/svg+xml;base64,${encodeBase64(svg)}`;
    // The real fetch reads data: URLs, as the offscreen document's does.
    expect((await acquireImage({ kind: 'url', url: dataUrl })).type).toBe('image/svg+xml');
    const bytes = await acquireImage({
      kind: 'bytes',
      base64: encodeBase64(png),
      contentType: 'image/png',
    });
    expect(bytes.type).toBe('image/png');
  });

  test('failures are sentences with a next step', async () => {
    const url = { kind: 'url' as const, url: 'https://example.com/a.png' };
    await expect(acquireImage(url, fetchOf(new Response('nope', { status: 404 })))).rejects.toThrow(
      IMAGE_ERRORS.httpStatus(404),
    );
    await expect(acquireImage(url, fetchOf(new TypeError('Failed to fetch')))).rejects.toThrow(
      IMAGE_ERRORS.unreachable,
    );
    await expect(acquireImage(url, fetchOf(new Response('<html>hello</html>')))).rejects.toThrow(
      IMAGE_ERRORS.notImage,
    );
    await expect(acquireImage({ kind: 'url', url: 'chrome://settings' })).rejects.toThrow(
      IMAGE_ERRORS.badUrl,
    );
    await expect(acquireImage({ kind: 'url', url: 'not a url' })).rejects.toThrow(
      IMAGE_ERRORS.badUrl,
    );
    await expect(
      acquireImage({ kind: 'bytes', base64: '%%%', contentType: 'image/png' }),
    ).rejects.toThrow(IMAGE_ERRORS.notImage);
  });

  test('the size cap holds whether or not the server declares the size', async () => {
    const url = { kind: 'url' as const, url: 'https://example.com/huge.png' };
    const declared = new Response(png, {
      headers: { 'content-length': String(MAX_IMAGE_BYTES + 1) },
    });
    await expect(acquireImage(url, fetchOf(declared))).rejects.toThrow(IMAGE_ERRORS.tooLarge);
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(1024 * 1024));
      },
    });
    await expect(acquireImage(url, fetchOf(new Response(endless)))).rejects.toThrow(
      IMAGE_ERRORS.tooLarge,
    );
    // It stopped reading just past the cap instead of filling memory.
    expect(pulled).toBeLessThanOrEqual(MAX_IMAGE_BYTES / (1024 * 1024) + 2);
  });
});
