import { t } from '@/src/i18n/i18n';

/**
 * A web address the user typed (a model mirror, a vote service): http(s) only, or null.
 * http:// is accepted for hosts on the user's own network; the caller's sentence says so.
 */
export function parseWebAddress(text: string): URL | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  return url.protocol === 'https:' || url.protocol === 'http:' ? url : null;
}

export const WEB_ADDRESS_HINT = t('options.badMirror');
