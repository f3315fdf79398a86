import { browser } from 'wxt/browser';
import { type GeneratedI18nStructure, i18n } from '#i18n';

/**
 * All of Glimpse's UI text comes from here: @wxt-dev/i18n over the browser's i18n, with the
 * messages in src/i18n/locales/<locale>.json (built into _locales/). Plurals follow each
 * language's CLDR rules (Intl.PluralRules), numbers and dates are formatted by Intl.
 */
export const t = i18n.t;

type Key = keyof GeneratedI18nStructure & string;
/** Keys with plural forms: `a.b` for the messages `a.b.one`, `a.b.other`… */
export type PluralKey = Key extends infer K
  ? K extends `${infer Base}.other`
    ? Base
    : never
  : never;
export type Substitutions = Record<string, string | number>;

/** A message by its dotted key, '' when this locale and English both lack it. */
export function messageOf(key: string): string {
  // The typed getMessage only knows the keys without plural forms or named substitutions.
  const getMessage = browser.i18n.getMessage as unknown as (name: string) => string | undefined;
  return getMessage(key.replaceAll('.', '_')) ?? '';
}
const raw = messageOf;

export function substitute(message: string, substitutions: Substitutions): string {
  return message.replace(/\{([A-Za-z0-9_]+)\}/g, (match, name: string) =>
    Object.hasOwn(substitutions, name) ? String(substitutions[name]) : match,
  );
}

/**
 * The language the messages are in (BCP 47). Read from the messages themselves, because
 * browser.i18n.getUILanguage() can disagree with the locale Chromium picked for the extension
 * (headless Chromium started with --lang=de: German messages, "en-US" UI language).
 */
export function uiLocale(): string {
  return raw('locale') || 'en';
}

/** The message for `count` in this language's plural category (English falls back to `other`). */
export function plural(key: PluralKey, count: number, substitutions: Substitutions = {}): string {
  const category = new Intl.PluralRules(uiLocale()).select(count);
  const message = raw(`${key}.${category}`) || raw(`${key}.other`);
  return substitute(message, { count: formatNumber(count), ...substitutions });
}

export function formatNumber(value: number, options: Intl.NumberFormatOptions = {}): string {
  return new Intl.NumberFormat(uiLocale(), options).format(value);
}

/** A whole percentage ("40 %" in German), or an em dash when there is nothing to count yet. */
export function formatPercent(value: number | null): string {
  return value === null ? '—' : formatNumber(value / 100, { style: 'percent' });
}

/** "812 kB", "3.4 MB", "210 MB" (binary sizes, as the Options page counts them), in Intl's units. */
export function formatBytes(bytes: number): string {
  const unit = (value: number, name: 'byte' | 'kilobyte' | 'megabyte', digits = 0) =>
    formatNumber(value, { style: 'unit', unit: name, maximumFractionDigits: digits });
  if (bytes < 1024) return unit(Math.round(bytes), 'byte');
  if (bytes < 1024 * 1024) return unit(Math.round(bytes / 1024), 'kilobyte');
  const mb = bytes / (1024 * 1024);
  return mb >= 10 ? unit(Math.round(mb), 'megabyte') : unit(mb, 'megabyte', 1);
}

export function formatDateTime(date: Date | number, options?: Intl.DateTimeFormatOptions): string {
  return new Intl.DateTimeFormat(
    uiLocale(),
    options ?? { dateStyle: 'medium', timeStyle: 'short' },
  ).format(date);
}

/** Puts the UI language on an extension page, so screen readers read it in that language. */
export function markDocumentLanguage(doc: Document = document): void {
  doc.documentElement.lang = uiLocale();
}
