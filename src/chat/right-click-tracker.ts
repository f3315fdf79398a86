/** How long a right-click stays "the one the menu was opened on". */
const FRESH_MS = 30_000;

/**
 * Remembers the element of the last real right-click, so the panel can anchor to it and read
 * blob: images; a synthetic contextmenu event from a page script is ignored.
 */
export function trackRightClicks(target: Document, now: () => number = Date.now) {
  let last: { element: Element; at: number } | null = null;
  target.addEventListener(
    'contextmenu',
    (event) => {
      if (!event.isTrusted) return;
      const element = event.composedPath()[0];
      if (element instanceof Element) last = { element, at: now() };
    },
    { capture: true },
  );
  return {
    last(): Element | null {
      return last && now() - last.at < FRESH_MS ? last.element : null;
    },
  };
}
