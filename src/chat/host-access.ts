import { browser } from 'wxt/browser';
import { t } from '@/src/i18n/i18n';
import type { ImageInput } from '@/src/messaging/protocol';

/** Host access Glimpse lacks to read an image itself: the pattern to request and its host. */
export interface HostAccessNeed {
  origin: string;
  host: string;
}

export interface PermissionsLike {
  contains(permissions: { origins: string[] }): Promise<boolean>;
  request(permissions: { origins: string[] }): Promise<boolean>;
}

/** One sentence for the panel, beside the button that asks the browser. */
export const hostAccessSentence = (host: string) => t('chat.hostAccess.need', { host });

/** When the panel cannot ask the browser itself (a content script has no permissions API). */
export const hostAccessElsewhere = (host: string) => t('chat.hostAccess.elsewhere', { host });

/**
 * The host access an image read by the extension needs, or null when none is needed or it is
 * already granted. Firefox treats MV3 host permissions as optional: the user may withdraw them.
 */
export async function missingHostAccess(
  image: ImageInput | null,
  permissions: Pick<PermissionsLike, 'contains'>,
): Promise<HostAccessNeed | null> {
  if (image?.kind !== 'url') return null;
  let url: URL;
  try {
    url = new URL(image.url);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const need = { origin: `${url.protocol}//${url.hostname}/*`, host: url.hostname };
  const granted = await permissions.contains({ origins: [need.origin] }).catch(() => true);
  return granted ? null : need;
}

/**
 * Asks the browser for the access, from the user's click (Firefox requires a user action).
 * Throws when this context has no permissions API, e.g. a content script.
 */
export async function requestHostAccess(
  need: HostAccessNeed,
  permissions: Pick<PermissionsLike, 'request'> | undefined = (
    browser as unknown as { permissions?: PermissionsLike }
  ).permissions,
): Promise<boolean> {
  if (!permissions?.request) throw new Error('no permissions API in this context');
  return permissions.request({ origins: [need.origin] });
}
