import type { Rect } from '@/src/messaging/protocol';

/**
 * Small Glimpse-owned things drawn over a page: a notice and a highlight. Each is a host element
 * with a closed shadow root and inline styles only, so the page's CSS can't restyle it and
 * nothing of Glimpse's is web-accessible. They hold no question, answer or description.
 */
function overlayHost(doc: Document, name: string): { host: HTMLElement; shadow: ShadowRoot } {
  const host = doc.createElement(name);
  host.setAttribute('style', 'all: initial !important; display: contents !important');
  const shadow = host.attachShadow({ mode: 'closed' });
  doc.documentElement.append(host);
  return { host, shadow };
}

const NOTICE_MS = 6000;
let currentNotice: (() => void) | null = null;

/**
 * A short notice at the top of the page, announced by screen readers (role=alert); it does not
 * take focus, and goes after a few seconds, on a click, or on Escape.
 */
export function showNotice(text: string, doc: Document = document): () => void {
  currentNotice?.();
  const { host, shadow } = overlayHost(doc, 'glimpse-notice');
  const box = doc.createElement('div');
  box.setAttribute('role', 'alert');
  box.setAttribute(
    'style',
    [
      'position: fixed',
      'top: 16px',
      'left: 50%',
      'transform: translateX(-50%)',
      'z-index: 2147483647',
      'max-width: min(420px, calc(100vw - 32px))',
      'padding: 10px 16px',
      'border-radius: 10px',
      'background: #16161d',
      'color: #ffffff',
      'font: 14px/1.4 system-ui, sans-serif',
      'box-shadow: 0 8px 24px rgb(0 0 0 / 0.3)',
    ].join(';'),
  );
  box.textContent = text;
  shadow.append(box);
  const view = doc.defaultView;
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape') close();
  };
  const timer = view?.setTimeout(() => close(), NOTICE_MS);
  box.addEventListener('click', () => close());
  view?.addEventListener('keydown', onKey, true);
  let closed = false;
  function close() {
    if (closed) return;
    closed = true;
    if (timer !== undefined) view?.clearTimeout(timer);
    view?.removeEventListener('keydown', onKey, true);
    host.remove();
    if (currentNotice === close) currentNotice = null;
  }
  currentNotice = close;
  return close;
}

const HIGHLIGHT_MS = 2500;
let currentHighlight: (() => void) | null = null;

/** A ring around an element for a moment, drawn in the element's own document. */
export function highlightElement(element: Element): () => void {
  currentHighlight?.();
  const doc = element.ownerDocument;
  const { host, shadow } = overlayHost(doc, 'glimpse-highlight');
  const ring = doc.createElement('div');
  const place = () => {
    const r: Rect = element.getBoundingClientRect();
    ring.setAttribute(
      'style',
      [
        'position: fixed',
        `top: ${r.y - 6}px`,
        `left: ${r.x - 6}px`,
        `width: ${r.width + 12}px`,
        `height: ${r.height + 12}px`,
        'box-sizing: border-box',
        'border: 4px solid #5b21b6',
        'outline: 2px solid #ffffff',
        'border-radius: 8px',
        'pointer-events: none',
        'z-index: 2147483646',
      ].join(';'),
    );
  };
  place();
  shadow.append(ring);
  const view = doc.defaultView;
  view?.addEventListener('scroll', place, { capture: true, passive: true });
  const timer = view?.setTimeout(() => clear(), HIGHLIGHT_MS);
  let cleared = false;
  function clear() {
    if (cleared) return;
    cleared = true;
    if (timer !== undefined) view?.clearTimeout(timer);
    view?.removeEventListener('scroll', place, { capture: true });
    host.remove();
    if (currentHighlight === clear) currentHighlight = null;
  }
  currentHighlight = clear;
  return clear;
}
