import { UserFacingError } from '@/src/messaging/user-error';
import { type AcquiredImage, IMAGE_ERRORS } from './image-acquire';

/**
 * Longest edge an image is decoded at: 2048 px, the size SmolVLM's processor resizes to anyway
 * (`size.longest_edge`), so bigger images are downscaled here, before preprocessing, at no cost
 * to the answer and with far less memory. SVGs without a size are drawn at 1024 px.
 */
export const MAX_DECODE_EDGE = 2048;
const SVG_DEFAULT_EDGE = 1024;

export interface DecodedPixels {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export function fitWithin(width: number, height: number, maxEdge = MAX_DECODE_EDGE) {
  const scale = Math.min(1, maxEdge / Math.max(width, height));
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/**
 * Decodes image bytes to RGBA pixels in a page context (the offscreen document): raster
 * formats through createImageBitmap (animated GIF/WebP give their first frame), SVG through
 * an <img> and a canvas. Transparent areas are drawn on white, as they usually appear on a page.
 */
export async function decodeToPixels({ bytes, type }: AcquiredImage): Promise<DecodedPixels> {
  const blob = new Blob([new Uint8Array(bytes)], { type });
  let source: CanvasImageSource & { width: number; height: number };
  let release = () => {};
  try {
    if (type === 'image/svg+xml') {
      const image = await loadSvg(blob);
      source = image.element;
      release = image.release;
    } else {
      const bitmap = await createImageBitmap(blob);
      source = bitmap;
      release = () => bitmap.close();
    }
  } catch {
    throw new UserFacingError(IMAGE_ERRORS.damaged);
  }
  try {
    if (source.width < 1 || source.height < 1) throw new UserFacingError(IMAGE_ERRORS.damaged);
    const { width, height } = fitWithin(source.width, source.height);
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new UserFacingError(IMAGE_ERRORS.damaged);
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, width, height);
    context.imageSmoothingQuality = 'high';
    context.drawImage(source, 0, 0, width, height);
    return { data: context.getImageData(0, 0, width, height).data, width, height };
  } finally {
    release();
  }
}

async function loadSvg(blob: Blob): Promise<{ element: HTMLImageElement; release: () => void }> {
  const url = URL.createObjectURL(blob);
  const element = new Image();
  element.decoding = 'async';
  element.src = url;
  try {
    await element.decode();
  } catch (error) {
    URL.revokeObjectURL(url);
    throw error;
  }
  if (!element.naturalWidth || !element.naturalHeight) {
    // An SVG with only a viewBox (or nothing) has no intrinsic size: give it one.
    element.width = SVG_DEFAULT_EDGE;
    element.height = SVG_DEFAULT_EDGE;
  }
  return { element, release: () => URL.revokeObjectURL(url) };
}
