import { t } from '@/src/i18n/i18n';
import type { ImageInput } from '@/src/messaging/protocol';
import { encodeBase64, MAX_IMAGE_BYTES } from '@/src/vlm/image-acquire';

export const IMAGE_SOURCE_ERRORS = {
  unsupportedScheme: t('image.unsupportedScheme'),
  blobGone: t('image.blobGone'),
  tooLarge: t('image.tooLarge', { mb: MAX_IMAGE_BYTES / 1024 / 1024 }),
} as const;

export type SourceResult = { image: ImageInput } | { problem: string };

/**
 * How the engine will read the right-clicked image. http(s) and data: URLs are read by the
 * extension itself (its host permission reaches images without CORS); blob: URLs belong to the
 * page, so the page's content script reads their bytes here.
 */
export async function imageSourceFor(
  srcUrl: string,
  fetchImpl: typeof fetch = fetch,
): Promise<SourceResult> {
  let scheme = '';
  try {
    scheme = new URL(srcUrl).protocol;
  } catch {
    return { problem: IMAGE_SOURCE_ERRORS.unsupportedScheme };
  }
  if (scheme === 'http:' || scheme === 'https:' || scheme === 'data:')
    return { image: { kind: 'url', url: srcUrl } };
  if (scheme !== 'blob:') return { problem: IMAGE_SOURCE_ERRORS.unsupportedScheme };
  try {
    const blob = await (await fetchImpl(srcUrl)).blob();
    if (blob.size > MAX_IMAGE_BYTES) return { problem: IMAGE_SOURCE_ERRORS.tooLarge };
    return {
      image: {
        kind: 'bytes',
        base64: encodeBase64(new Uint8Array(await blob.arrayBuffer())),
        contentType: blob.type || 'application/octet-stream',
      },
    };
  } catch {
    return { problem: IMAGE_SOURCE_ERRORS.blobGone };
  }
}

interface ImageLike {
  currentSrc?: string;
  src?: string;
}

/**
 * The element the menu was opened on: the last right-clicked element when it shows `srcUrl`
 * (srcset and <picture> report the source actually shown), else the first image showing it.
 */
export function findImageElement<T extends ImageLike>(
  srcUrl: string,
  lastRightClicked: T | null,
  images: Iterable<T>,
): T | null {
  const shows = (el: ImageLike) => el.currentSrc === srcUrl || el.src === srcUrl;
  if (lastRightClicked && shows(lastRightClicked)) return lastRightClicked;
  for (const image of images) if (shows(image)) return image;
  return lastRightClicked;
}
