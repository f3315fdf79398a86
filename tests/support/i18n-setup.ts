import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fakeBrowser } from 'wxt/testing/fake-browser';

/**
 * The fake browser has no i18n: give it the real English messages (src/i18n/locales/en.json,
 * flattened as the build flattens them into _locales/en/messages.json), so unit tests see the
 * text users see in an English browser.
 */
type Tree = { [key: string]: string | Tree };
const messages = new Map<string, string>();
function flatten(tree: Tree, prefix = '') {
  for (const [key, value] of Object.entries(tree)) {
    const name = prefix ? `${prefix}_${key}` : key;
    if (typeof value === 'string') messages.set(name, value);
    else flatten(value, name);
  }
}
flatten(
  JSON.parse(readFileSync(resolve(import.meta.dirname, '../../src/i18n/locales/en.json'), 'utf8')),
);

Object.assign(fakeBrowser.i18n, {
  getMessage: (name: string) => messages.get(name) ?? '',
  getUILanguage: () => 'en',
});
