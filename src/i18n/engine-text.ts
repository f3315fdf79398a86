import { formatNumber, messageOf, type Substitutions, substitute, uiLocale } from './i18n';
import { engine as englishTemplates } from './locales/en.json';

/**
 * The engine (src/vlm: the offscreen page, its worker, the background queue) speaks English:
 * a worker has no browser.i18n, and its sentences travel over ports as text. Every sentence it
 * can say is in the `engine` section of the messages, with its variable parts as {names}; the
 * UI matches what arrives against the English templates and shows the same sentence in the UI
 * language, with numbers re-formatted by Intl. Unknown text is shown as it came.
 * (tests/unit/i18n/engine-text.test.ts keeps src/vlm's sentences and the templates in step.)
 */
interface Template {
  key: string;
  names: string[];
  pattern: RegExp;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compile(key: string, english: string): Template {
  const names: string[] = [];
  const source = english
    .split(/(\{[A-Za-z0-9_]+\})/)
    .map((part) => {
      const name = /^\{([A-Za-z0-9_]+)\}$/.exec(part)?.[1];
      if (!name) return escapeRegExp(part);
      names.push(name);
      return '(.+?)';
    })
    .join('');
  return { key, names, pattern: new RegExp(`^${source}$`, 's') };
}

// Longest first: a template that is a prefix of another ("It runs on one CPU thread.") must not
// win over the longer one.
const TEMPLATES: Template[] = Object.entries(englishTemplates as Record<string, string>)
  .sort(([, a], [, b]) => b.length - a.length)
  .map(([key, english]) => compile(key, english));

/** "12.3", "45 MB", "1024 ms": a number (with a unit) re-formatted for the UI language. */
function localiseValue(value: string): string {
  const match = /^(\d+(?:\.\d+)?)(\s?)(B|KB|MB|GB|ms|s)?$/.exec(value);
  if (!match) return value;
  const [, digits = '', space = '', unit = ''] = match;
  const fraction = digits.split('.')[1]?.length ?? 0;
  const number = formatNumber(Number(digits), {
    maximumFractionDigits: fraction,
    useGrouping: false,
  });
  return `${number}${space}${unit}`;
}

function translateOne(sentence: string): string | null {
  for (const template of TEMPLATES) {
    const match = template.pattern.exec(sentence);
    if (!match) continue;
    const values: Substitutions = {};
    template.names.forEach((name, i) => {
      const value = match[i + 1] ?? '';
      // A part can be a sentence of its own ("SwiftShader (software fallback adapter)").
      values[name] = translateOne(value) ?? localiseValue(value);
    });
    const message = messageOf(`engine.${template.key}`);
    return message ? substitute(message, values) : null;
  }
  return null;
}

/**
 * An engine sentence (or several, as in a status detail) in the UI language. English UIs get
 * the text unchanged.
 */
export function localizeEngineText(text: string): string {
  if (!text || uiLocale() === 'en') return text;
  const whole = translateOne(text);
  if (whole !== null) return whole;
  // Several sentences joined by spaces ("WASM was chosen in Options. It runs on 2 CPU threads.").
  return text
    .split(/(?<=[.!?…])\s+(?=\S)/)
    .map((sentence) => translateOne(sentence) ?? sentence)
    .join(' ');
}
