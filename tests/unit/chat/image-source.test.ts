import { describe, expect, test } from 'vitest';
import { findImageElement, IMAGE_SOURCE_ERRORS, imageSourceFor } from '@/src/chat/image-source';
import { decodeBase64 } from '@/src/vlm/image-acquire';

describe('how the engine will read the right-clicked image', () => {
  test('http(s) and data: URLs go to the extension, which reads them with its host permission', async () => {
    expect(await imageSourceFor('https://cdn.example/a.png')).toEqual({
      image: { kind: 'url', url: 'https://cdn.example/a.png' },
    });
    expect(await imageSourceFor('http://intranet/a.gif')).toEqual({
      image: { kind: 'url', url: 'http://intranet/a.gif' },
    });
    const data = 'data:image/png;base64,iVBORw0KGgo=';
    expect(await imageSourceFor(data)).toEqual({ image: { kind: 'url', url: data } });
  });

  test('blob: URLs are read here, by the page’s content script, as bytes', async () => {
    const bytes = Uint8Array.from([137, 80, 78, 71, 1, 2, 3]);
    const blobFetch = (async () =>
      new Response(new Blob([bytes], { type: 'image/png' }))) as typeof fetch;
    const result = await imageSourceFor('blob:https://site.example/1234', blobFetch);
    if (!('image' in result) || result.image.kind !== 'bytes') throw new Error('expected bytes');
    expect(result.image.contentType).toBe('image/png');
    expect(decodeBase64(result.image.base64)).toEqual(bytes);
    const revoked = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    expect(await imageSourceFor('blob:https://site.example/gone', revoked)).toEqual({
      problem: IMAGE_SOURCE_ERRORS.blobGone,
    });
  });

  test('other schemes get a sentence', async () => {
    for (const url of ['file:///home/me/a.png', 'chrome://favicon/x', 'not a url']) {
      expect(await imageSourceFor(url)).toEqual({ problem: IMAGE_SOURCE_ERRORS.unsupportedScheme });
    }
  });

  test('the element is the right-clicked one when it shows the menu’s srcUrl (srcset, picture)', () => {
    const shown = { currentSrc: 'https://x/dark.png', src: 'https://x/bright.png' };
    const other = { currentSrc: 'https://x/other.png', src: 'https://x/other.png' };
    expect(findImageElement('https://x/dark.png', shown, [other, shown])).toBe(shown);
    expect(findImageElement('https://x/other.png', shown, [other, shown])).toBe(other);
    expect(findImageElement('https://x/bright.png', null, [other, shown])).toBe(shown);
  });
});
