import { type FocusableElement, tabbable } from 'tabbable';

export type FocusDirection = 'next' | 'previous';

const isPlainTab = (event: KeyboardEvent) =>
  event.isTrusted && event.key === 'Tab' && !event.altKey && !event.ctrlKey && !event.metaKey;

/**
 * Inside a Glimpse frame: Tab past the last control, or Shift+Tab before the first, leaves the
 * frame for the page (`onLeave`), as if the frame sat in the page's tab order. Left to itself,
 * the browser would send focus to the end of the page, where the frame's host element is.
 */
export function leaveFrameAtEdges(
  doc: Document,
  onLeave: (direction: FocusDirection) => void,
): void {
  doc.addEventListener('keydown', (event) => {
    if (!isPlainTab(event)) return;
    const stops = tabbable(doc.body);
    const edge = event.shiftKey ? stops[0] : stops.at(-1);
    if (stops.length > 0 && doc.activeElement !== edge) return;
    event.preventDefault();
    onLeave(event.shiftKey ? 'previous' : 'next');
  });
}

/** The page's first tab stop after `anchor` in document order (outside it), or null. */
export function tabStopAfter(anchor: Element, doc: Document): FocusableElement | null {
  return (
    tabbable(doc.body).find(
      (el) =>
        !anchor.contains(el) &&
        (anchor.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0,
    ) ?? null
  );
}

/**
 * In the page, while a Glimpse frame is open beside `anchor()` (its image, or where focus was):
 * the frame sits in the page's Tab order right after the anchor, although its host is at the
 * end of the page. Tab on the anchor (Shift+Tab on the stop after it) puts focus on a marker
 * just before (after) the frame, and the key then does what Tab does from there: into the
 * frame's first (last) control, focus ring included. `focusOut` moves on from the frame's ends.
 * With no anchor the frame sits at the start of the page.
 */
export function frameInTabOrder(options: {
  doc: Document;
  anchor: () => HTMLElement | null;
  /** Focusable (tabindex -1) markers right before and right after the frame. */
  before: HTMLElement;
  after: HTMLElement;
}) {
  const { doc, anchor, before, after } = options;
  const onKeyDown = (event: KeyboardEvent) => {
    if (!isPlainTab(event)) return;
    const from = anchor();
    if (!from) return;
    const active = doc.activeElement;
    if (!event.shiftKey && active === from) before.focus();
    else if (event.shiftKey && active === tabStopAfter(from, doc)) after.focus();
  };
  doc.addEventListener('keydown', onKeyDown, true);
  return {
    focusOut(direction: FocusDirection): boolean {
      const from = anchor();
      const stops = from ? null : tabbable(doc.body);
      const target =
        direction === 'previous'
          ? (from ?? stops?.at(-1) ?? null)
          : from
            ? tabStopAfter(from, doc)
            : (stops?.[0] ?? null);
      if (!target) return false;
      target.focus();
      return true;
    },
    dispose: () => doc.removeEventListener('keydown', onKeyDown, true),
  };
}
