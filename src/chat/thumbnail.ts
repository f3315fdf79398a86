import type { ImageInput } from '@/src/messaging/protocol';

/**
 * A thumbnail URL an extension page may show. Extension pages are cross-origin isolated (COEP
 * require-corp), so a web image is fetched with the host permission into a blob: URL.
 */
export async function thumbnailFor(image: ImageInput | null): Promise<string> {
  if (image?.kind === 'bytes') return `data:${image.contentType};base64,${image.base64}`;
  if (image?.kind === 'url' && image.url.startsWith('data:')) return image.url;
  if (image?.kind !== 'url') return '';
  try {
    const response = await fetch(image.url, { credentials: 'omit' });
    return response.ok ? URL.createObjectURL(await response.blob()) : '';
  } catch {
    return '';
  }
}
