import DOMPurify from 'dompurify';
import { Marked } from 'marked';

/**
 * Model output is untrusted text. Raw HTML in it is escaped (shown as text, never parsed), the
 * markdown is rendered, and the result is sanitised to a short list of harmless elements: nothing
 * that loads anything (no img, media, iframes, styles, forms) and no attributes but safe links.
 */
const ALLOWED_TAGS = [
  'p',
  'br',
  'strong',
  'em',
  'del',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'a',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
];

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    html: ({ text }) => escapeHtml(text),
    // Images in model output would be network requests: show their text instead.
    image: ({ text }) => escapeHtml(text),
  },
});

export interface Sanitizer {
  sanitize(html: string, config: Record<string, unknown>): string;
  addHook?(name: 'afterSanitizeAttributes', hook: (node: Element) => void): void;
}

export function createMarkdownRenderer(purifier: Sanitizer = DOMPurify as unknown as Sanitizer) {
  purifier.addHook?.('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  });
  return (markdown: string): string =>
    purifier.sanitize(marked.parse(markdown) as string, {
      ALLOWED_TAGS,
      ALLOWED_ATTR: ['href'],
      ALLOWED_URI_REGEXP: /^https?:\/\//i,
    });
}
