import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { formatBytes, formatPercent, plural, t, uiLocale } from '@/src/i18n/i18n';

type Tree = { [key: string]: string | Tree };
function messagesOf(locale: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (tree: Tree, prefix: string) => {
    for (const [key, value] of Object.entries(tree)) {
      const name = prefix ? `${prefix}_${key}` : key;
      if (typeof value === 'string') out.set(name, value);
      else walk(value, name);
    }
  };
  walk(
    JSON.parse(
      readFileSync(
        resolve(import.meta.dirname, `../../../src/i18n/locales/${locale}.json`),
        'utf8',
      ),
    ) as Tree,
    '',
  );
  return out;
}
const english = fakeBrowser.i18n.getMessage;
const useLocale = (locale: string) => {
  const messages = messagesOf(locale);
  Object.assign(fakeBrowser.i18n, { getMessage: (name: string) => messages.get(name) ?? '' });
};
afterEach(() => {
  Object.assign(fakeBrowser.i18n, { getMessage: english });
});

describe('messages, plurals and numbers', () => {
  test('the language is the one the messages are in', () => {
    expect(uiLocale()).toBe('en');
    useLocale('zh_CN');
    expect(uiLocale()).toBe('zh-CN');
  });

  test('plural forms by each language’s rules', () => {
    expect(
      [0, 1, 2].map((n) => plural('verdicts.tallyService', n, { host: 'votes.example' })),
    ).toEqual([
      'Community: 0 votes on the Glimpse vote service (votes.example).',
      'Community: 1 vote on the Glimpse vote service (votes.example).',
      'Community: 2 votes on the Glimpse vote service (votes.example).',
    ]);
    useLocale('fr');
    // French counts 0 as singular, and has its own form for a million.
    expect(plural('chat.waitingFor', 0)).toBe('En attente de 0 autre question…');
    const million = new Intl.NumberFormat('fr').format(1_000_000); // "1 000 000", narrow spaces
    expect(plural('chat.waitingFor', 1_000_000)).toBe(`En attente de ${million} autres questions…`);
    useLocale('ja');
    expect(plural('chat.waitingFor', 1)).toBe('ほかの質問 1 件を待っています…');
  });

  test('named placeholders, numbers, sizes and percentages', () => {
    expect(t('pageImages.progress', { position: 3, total: 12 })).toBe('Describing image 3 of 12…');
    expect([formatPercent(50), formatPercent(null), formatBytes(3.4 * 1024 * 1024)]).toEqual([
      '50%',
      '—',
      '3.4 MB',
    ]);
    useLocale('de');
    expect(t('pageImages.progress', { position: 3, total: 12 })).toBe('Beschreibe Bild 3 von 12…');
    expect([formatPercent(50), formatBytes(3.4 * 1024 * 1024), formatBytes(812 * 1024)]).toEqual([
      '50\u00a0%',
      '3,4 MB',
      '812 kB',
    ]);
  });
});
