import { browser } from 'wxt/browser';

/** chrome-extension:// URL of a file in the build, including files added by build hooks (ort/). */
export function extensionUrl(path: string): string {
  return (browser.runtime.getURL as (p: string) => string)(path);
}
