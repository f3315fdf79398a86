import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const DIR = resolve(import.meta.dirname, '../../../src/i18n/locales');
type Tree = { [key: string]: string | Tree };
const read = (file: string) => JSON.parse(readFileSync(resolve(DIR, file), 'utf8')) as Tree;
const CATEGORIES = new Set(['zero', 'one', 'two', 'few', 'many', 'other']);
const isPlural = (node: Tree) =>
  Object.keys(node).length > 0 &&
  Object.keys(node).every((k) => CATEGORIES.has(k)) &&
  'other' in node;

/** Messages by dotted key; a plural group is one entry holding its forms. */
function entries(tree: Tree, prefix = ''): Map<string, string | Record<string, string>> {
  const out = new Map<string, string | Record<string, string>>();
  for (const [key, value] of Object.entries(tree)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(name, value);
    else if (isPlural(value)) out.set(name, value as Record<string, string>);
    else for (const [k, v] of entries(value, name)) out.set(k, v);
  }
  return out;
}
const placeholders = (text: string) => new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));

const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const english = entries(read('en.json'));

describe('the shipped languages', () => {
  test('English plus German, French, Spanish, Japanese and Simplified Chinese', () => {
    expect(files.sort()).toEqual([
      'de.json',
      'en.json',
      'es.json',
      'fr.json',
      'ja.json',
      'zh_CN.json',
    ]);
  });

  describe.each(files)('%s', (file) => {
    const locale = file.replace('.json', '').replace('_', '-');
    const messages = entries(read(file));
    const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;

    test('has every message English has, and no other', () => {
      expect([...messages.keys()].sort()).toEqual([...english.keys()].sort());
      expect(messages.get('locale')).toBe(locale);
    });

    test('plural messages have exactly the forms this language’s plural rules use', () => {
      for (const [key, value] of messages) {
        if (typeof english.get(key) === 'string') continue;
        expect([key, Object.keys(value).sort()]).toEqual([key, [...categories].sort()]);
      }
    });

    test('every message keeps the placeholders of its English one, and has no $', () => {
      for (const [key, value] of messages) {
        const source = english.get(key);
        const wanted = placeholders(typeof source === 'string' ? source : (source?.other ?? ''));
        const forms = typeof value === 'string' ? { only: value } : value;
        for (const [form, text] of Object.entries(forms)) {
          const found = placeholders(text);
          // A "one" form may say the number in words instead of {count}.
          if (form === 'one') found.add('count');
          if (!wanted.has('count')) found.delete('count');
          expect([key, form, [...found].sort()]).toEqual([key, form, [...wanted].sort()]);
          expect([key, text.includes('$')]).toEqual([key, false]);
          expect([key, text.trim().length > 0]).toEqual([key, true]);
        }
      }
    });
  });
});
