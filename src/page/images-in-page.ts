import type { Rect } from '@/src/messaging/protocol';

/** Smaller than this on either side is an icon, a bullet or a tracking pixel, not a picture. */
export const ICON_MAX_SIDE = 48;

/** Elements Glimpse itself adds to pages (panel, notice, highlight): never "the page's image". */
export const isGlimpseElement = (el: Element) => el.localName.startsWith('glimpse-');

/** The element, or one around it, is Glimpse's own. */
function withinGlimpse(el: Element): boolean {
  for (let at: Element | null = el; at; at = at.parentElement)
    if (isGlimpseElement(at)) return true;
  return false;
}

/** An <img> of the page or of one of its same-origin frames, measured in the top frame. */
export interface ImageInPage {
  element: HTMLImageElement;
  /** Its box in the top frame's viewport coordinates. */
  rect: Rect;
  /** The part of it on screen (inside the viewport and every frame around it); null if none. */
  visible: Rect | null;
}

interface Offset {
  x: number;
  y: number;
  /** The frame's viewport in top coordinates: what is outside it is not on screen. */
  clip: Rect;
}

function intersect(a: Rect, b: Rect): Rect | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.width, b.x + b.width);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : null;
}

const area = (r: Rect | null) => (r ? r.width * r.height : 0);

/** A frame's document when it is same-origin (readable from here), else null. */
export function readableDocument(frame: Element): Document | null {
  try {
    return (frame as HTMLIFrameElement).contentDocument ?? null;
  } catch {
    return null;
  }
}

function topViewport(doc: Document): Rect {
  const view = doc.defaultView;
  return { x: 0, y: 0, width: view?.innerWidth ?? 0, height: view?.innerHeight ?? 0 };
}

/** Where a frame's content starts, in the coordinates of the document holding the frame. */
function frameContentOrigin(frame: HTMLElement): { x: number; y: number } {
  const box = frame.getBoundingClientRect();
  const style = frame.ownerDocument.defaultView?.getComputedStyle(frame);
  const pad = (side: 'Left' | 'Top') => Number.parseFloat(style?.[`padding${side}`] ?? '0') || 0;
  return {
    x: box.x + frame.clientLeft + pad('Left'),
    y: box.y + frame.clientTop + pad('Top'),
  };
}

function innerOffset(frame: HTMLElement, outer: Offset): Offset {
  const origin = frameContentOrigin(frame);
  const x = outer.x + origin.x;
  const y = outer.y + origin.y;
  const own = { x, y, width: frame.clientWidth, height: frame.clientHeight };
  return { x, y, clip: intersect(own, outer.clip) ?? { x, y, width: 0, height: 0 } };
}

export function measure(element: HTMLImageElement, offset: Offset): ImageInPage {
  const r = element.getBoundingClientRect();
  const rect = { x: r.x + offset.x, y: r.y + offset.y, width: r.width, height: r.height };
  return { element, rect, visible: isRendered(element) ? intersect(rect, offset.clip) : null };
}

/** Laid out and not hidden by CSS (display, visibility, opacity 0, content-visibility). */
export function isRendered(element: Element): boolean {
  const check = (element as Element & { checkVisibility?(o: object): boolean }).checkVisibility;
  if (check && !check.call(element, { checkOpacity: true, checkVisibilityCSS: true })) return false;
  const r = element.getBoundingClientRect();
  return r.width > 0 && r.height > 0;
}

/** Bigger than an icon on both sides, as drawn. */
export const largerThanIcon = (image: ImageInPage) =>
  image.rect.width > ICON_MAX_SIDE && image.rect.height > ICON_MAX_SIDE;

/**
 * Every <img> in page order: the document's own, those in open shadow roots, and those of
 * same-origin frames at the frame's place in the page. Cross-origin frames cannot be read.
 */
export function imagesInPage(doc: Document = document): ImageInPage[] {
  const found: ImageInPage[] = [];
  const walk = (root: Document | ShadowRoot, offset: Offset) => {
    const doc = root.ownerDocument ?? (root as Document);
    // Glimpse's own elements are skipped with everything inside them.
    const walker = doc.createTreeWalker(root, 1, {
      acceptNode: (node) => (isGlimpseElement(node as Element) ? 2 : 1),
    });
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node as Element;
      if (el.localName === 'img') found.push(measure(el as HTMLImageElement, offset));
      else if (el.localName === 'iframe' || el.localName === 'frame') {
        const inner = readableDocument(el);
        if (inner?.documentElement) walk(inner, innerOffset(el as HTMLElement, offset));
      }
      if (el.shadowRoot) walk(el.shadowRoot, offset);
    }
  };
  walk(doc, { x: 0, y: 0, clip: topViewport(doc) });
  return found;
}

export interface Pointer {
  x: number;
  y: number;
}

export type PickResult =
  | { kind: 'image'; image: ImageInPage; how: 'focus' | 'pointer' | 'largest' }
  /** Focus is inside a cross-origin frame: only that frame's own script can see what. */
  | { kind: 'focus-in-frame' }
  | { kind: 'none' };

const isImage = (el: Element): el is HTMLImageElement => el.localName === 'img';

function largestOf(images: ImageInPage[]): ImageInPage | null {
  let best: ImageInPage | null = null;
  for (const image of images) if (!best || area(image.visible) > area(best.visible)) best = image;
  return best && area(best.visible) > 0 ? best : null;
}

/** The focused element, through shadow roots; readable frames are followed by the caller. */
function deepActiveElement(doc: Document): Element | null {
  let el = doc.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
}

/** The focused image, or the image inside the focused link or button. */
function focusedImage(doc: Document, offset: Offset): ImageInPage | 'cross-origin' | null {
  const el = deepActiveElement(doc);
  if (!el || el === doc.body || el === doc.documentElement || withinGlimpse(el)) return null;
  if (el.localName === 'iframe' || el.localName === 'frame') {
    const inner = readableDocument(el);
    if (!inner) return 'cross-origin';
    return focusedImage(inner, innerOffset(el as HTMLElement, offset));
  }
  if (isImage(el)) return measure(el, offset);
  const inside = [...el.querySelectorAll('img')].map((img) => measure(img, offset));
  return largestOf(inside) ?? inside.find((i) => i.visible) ?? null;
}

/** The image under the pointer, also beneath transparent overlays (galleries often have them). */
function imageAtPoint(doc: Document, point: Pointer, offset: Offset): ImageInPage | null {
  for (const el of doc.elementsFromPoint(point.x, point.y)) {
    if (withinGlimpse(el)) continue;
    if (isImage(el)) return measure(el, offset);
    if (el.localName === 'iframe' || el.localName === 'frame') {
      const inner = readableDocument(el);
      if (!inner) return null;
      const next = innerOffset(el as HTMLElement, offset);
      // The top frame stops seeing pointer moves once the pointer is inside a frame: the
      // frame's own hover state says where it is now.
      return (
        hoveredImage(inner, next) ??
        imageAtPoint(
          inner,
          { x: point.x - (next.x - offset.x), y: point.y - (next.y - offset.y) },
          next,
        )
      );
    }
  }
  return null;
}

/** The image the document's :hover chain ends at (no pointer position needed). */
function hoveredImage(doc: Document, offset: Offset): ImageInPage | null {
  const chain = [...doc.querySelectorAll(':hover')];
  const last = chain.at(-1);
  if (!last || withinGlimpse(last)) return null;
  if (isImage(last)) return measure(last, offset);
  if (last.localName === 'iframe') {
    const inner = readableDocument(last);
    return inner ? hoveredImage(inner, innerOffset(last as HTMLElement, offset)) : null;
  }
  const inside = [...last.querySelectorAll('img')].map((img) => measure(img, offset));
  return inside.length === 1 ? (inside[0] ?? null) : null;
}

/**
 * The image the user is on, for the keyboard command: the focused image (or the image in the
 * focused link); else the image under the pointer; else the largest image on screen.
 */
export function pickImage(doc: Document, pointer: Pointer | null): PickResult {
  const top = { x: 0, y: 0, clip: topViewport(doc) };
  const focused = focusedImage(doc, top);
  if (focused === 'cross-origin') return { kind: 'focus-in-frame' };
  if (focused?.visible || (focused && isRendered(focused.element)))
    return { kind: 'image', image: focused, how: 'focus' };
  const pointed = pointer ? imageAtPoint(doc, pointer, top) : hoveredImage(doc, top);
  if (pointed?.visible) return { kind: 'image', image: pointed, how: 'pointer' };
  const largest = largestOf(imagesInPage(doc).filter(largerThanIcon));
  return largest ? { kind: 'image', image: largest, how: 'largest' } : { kind: 'none' };
}

/**
 * The last place a real pointer was over this document; null once it left the window (to the
 * toolbar, the popup or another app), when "the image under the pointer" no longer means anything.
 */
export function trackPointer(win: Window) {
  let last: Pointer | null = null;
  const update = (event: PointerEvent) => {
    if (event.isTrusted) last = { x: event.clientX, y: event.clientY };
  };
  win.addEventListener('pointermove', update, { capture: true, passive: true });
  win.addEventListener('pointerdown', update, { capture: true, passive: true });
  win.document.addEventListener(
    'pointerout',
    (event) => {
      if (event.isTrusted && !event.relatedTarget) last = null;
    },
    { capture: true, passive: true },
  );
  return { last: () => last };
}
