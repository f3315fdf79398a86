import type { ImageInput } from '@/src/messaging/protocol';
import { UserFacingError } from '@/src/messaging/user-error';
import { type ImageType, sniffImageType } from './image-sniff';

/**
 * Largest image Glimpse reads: 32 MiB. Bigger files are rare on the web, take long to decode,
 * and as base64 (the only way bytes cross extension messaging) would near Chrome's 64 MiB limit.
 */
export const MAX_IMAGE_BYTES = 32 * 1024 * 1024;

export interface AcquiredImage {
  bytes: Uint8Array;
  type: ImageType;
}

export const IMAGE_ERRORS = {
  tooLarge: `This image is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB, which is more than Glimpse reads. Try a smaller version of it.`,
  notImage:
    "This file isn't an image Glimpse can read (PNG, JPEG, GIF, WebP, AVIF, BMP, ICO or SVG).",
  unreachable:
    "Glimpse couldn't download this image. Check your connection, then reload the page and try again.",
  damaged: "This image is damaged or incomplete, so Glimpse can't read it. Try another image.",
  badUrl:
    "Glimpse can't read images from this kind of address. Try saving the image and opening it in a tab.",
  httpStatus: (status: number) =>
    `The image couldn't be downloaded (the site answered ${status}). Reload the page and try again.`,
} as const;

/** Reads an image the extension may fetch itself (http(s) with its host permission, or data:). */
export async function acquireImage(
  input: ImageInput,
  fetchImpl: typeof fetch = fetch,
): Promise<AcquiredImage> {
  const bytes =
    input.kind === 'bytes'
      ? decodeBase64(input.base64)
      : await fetchImageBytes(input.url, fetchImpl);
  return checkImageBytes(bytes);
}

export function checkImageBytes(bytes: Uint8Array): AcquiredImage {
  if (bytes.byteLength > MAX_IMAGE_BYTES) throw new UserFacingError(IMAGE_ERRORS.tooLarge);
  const type = sniffImageType(bytes);
  if (!type) throw new UserFacingError(IMAGE_ERRORS.notImage);
  return { bytes, type };
}

async function fetchImageBytes(url: string, fetchImpl: typeof fetch): Promise<Uint8Array> {
  let scheme: string;
  try {
    scheme = new URL(url).protocol;
  } catch {
    throw new UserFacingError(IMAGE_ERRORS.badUrl);
  }
  if (scheme !== 'http:' && scheme !== 'https:' && scheme !== 'data:') {
    throw new UserFacingError(IMAGE_ERRORS.badUrl);
  }
  let response: Response;
  try {
    // Cookies go along, so images behind the site's login work where the browser allows it.
    response = await fetchImpl(url, { credentials: 'include', redirect: 'follow' });
  } catch {
    throw new UserFacingError(IMAGE_ERRORS.unreachable);
  }
  if (!response.ok) throw new UserFacingError(IMAGE_ERRORS.httpStatus(response.status));
  const declared = Number(response.headers.get('content-length'));
  if (declared > MAX_IMAGE_BYTES) throw new UserFacingError(IMAGE_ERRORS.tooLarge);
  return readCapped(response);
}

/** Reads a body but stops as soon as it passes the cap, so a huge file never fills memory. */
async function readCapped(response: Response): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_IMAGE_BYTES) {
        await reader.cancel();
        throw new UserFacingError(IMAGE_ERRORS.tooLarge);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof UserFacingError) throw error;
    throw new UserFacingError(IMAGE_ERRORS.unreachable);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

export function decodeBase64(base64: string): Uint8Array {
  try {
    const binary = atob(base64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    throw new UserFacingError(IMAGE_ERRORS.notImage);
  }
}

export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    binary += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return btoa(binary);
}
