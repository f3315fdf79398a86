import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { t } from '@/src/i18n/i18n';
import { extensionUrl } from '@/src/messaging/extension-url';
import type { Rect, RequestOf } from '@/src/messaging/protocol';
import { serveRequests } from '@/src/messaging/runtime-rpc';
import { pickImage, trackPointer } from '@/src/page/images-in-page';
import { pageImagesHandlers } from '@/src/page/page-images-content';
import { showNotice } from '@/src/page/page-overlays';
import { type FocusDirection, frameInTabOrder } from './focus-order';
import { findImageElement, imageSourceFor } from './image-source';
import { offsetBy, PANEL_WIDTH, type Placement, placePanel } from './placement';
import { trackRightClicks } from './right-click-tracker';
import { PANEL_PAGE } from './setup-background';

const rectOf = (element: Element): Rect => {
  const r = element.getBoundingClientRect();
  return { x: r.x, y: r.y, width: r.width, height: r.height };
};

/** Where the image is in the top frame: its own rect, or its rect inside the matching iframe. */
function imageRectInTop(request: RequestOf<'chat/open'>): () => Rect | null {
  if (!request.rect) return () => null;
  const inner = request.rect;
  if (!request.frameUrl) return () => inner;
  const frame = [...document.querySelectorAll('iframe')].find((f) => f.src === request.frameUrl);
  return () => (frame ? offsetBy(inner, rectOf(frame)) : null);
}

/**
 * The image-chat content script: runs in every frame; the panel opens only in the top frame.
 * It never holds a question or an answer: those live in the panel's extension-page frame.
 */
export function setupImageChat(ctx: ContentScriptContext): void {
  const rightClicks = trackRightClicks(document);
  const pointer = trackPointer(window);
  const isTopFrame = window.top === window;
  let current: OpenFrame | null = null;
  const closeCurrent = () => current?.close();

  serveRequests({
    'image/inspect': async ({ srcUrl }) => {
      const element = findImageElement(
        srcUrl,
        rightClicks.last() as HTMLImageElement | null,
        document.images,
      );
      const source = await imageSourceFor(srcUrl);
      return {
        image: 'image' in source ? source.image : null,
        ...('problem' in source ? { problem: source.problem } : {}),
        rect: element ? rectOf(element) : null,
        alt: (element?.getAttribute('alt') ?? '').trim().slice(0, 200),
      };
    },
    'image/pick': async () => {
      const picked = pickImage(document, pointer.last());
      if (picked.kind === 'focus-in-frame') return { found: false, focusInFrame: true };
      if (picked.kind === 'none') return { found: false };
      const element = picked.image.element;
      const srcUrl = element.currentSrc || element.src;
      if (!srcUrl) return { found: false };
      const source = await imageSourceFor(srcUrl);
      return {
        found: true,
        srcUrl,
        inspected: {
          image: 'image' in source ? source.image : null,
          ...('problem' in source ? { problem: source.problem } : {}),
          rect: picked.image.rect,
          alt: (element.getAttribute('alt') ?? '').trim().slice(0, 200),
        },
      };
    },
    'notice/show': async () => {
      if (!isTopFrame) return { shown: false };
      showNotice(t('notice.noImage'));
      return { shown: true };
    },
    'chat/open': async (request) => {
      if (!isTopFrame) return { opened: false };
      closeCurrent();
      current = openPanelFrame(request, () => {
        current = null;
      });
      return { opened: true };
    },
    ...pageImagesHandlers(isTopFrame, (options) => {
      closeCurrent();
      const previousFocus = meaningfulFocus(document.activeElement);
      current = openExtensionFrame({
        ...options,
        anchor: () => (previousFocus?.isConnected ? previousFocus : null),
        onClosed: () => {
          current = null;
          if (previousFocus?.isConnected) previousFocus.focus();
        },
      });
    }),
    'chat/close': async () => {
      if (!isTopFrame || !current) return { closed: false };
      current.close();
      return { closed: true };
    },
    'chat/focus-out': async ({ direction }) => ({
      moved: isTopFrame && (current?.focusOut(direction) ?? false),
    }),
  });
  ctx.onInvalidated(closeCurrent);
}

const FRAME_CHROME = [
  'border: 1px solid rgb(128 128 128 / 0.45)',
  'border-radius: 14px',
  'box-shadow: 0 12px 40px rgb(0 0 0 / 0.28)',
  'z-index: 2147483647',
  'margin: 0',
  'padding: 0',
  'display: block',
  'visibility: visible',
  'opacity: 1',
  'background: transparent',
  'color-scheme: light dark',
].join(';');

function frameStyle(placement: Placement): string {
  if (placement.mode === 'docked') {
    return `${FRAME_CHROME};position:fixed;top:0;right:0;bottom:auto;left:auto;width:min(${PANEL_WIDTH}px,100vw);height:100vh;border-radius:0;border-width:0 0 0 1px`;
  }
  return `${FRAME_CHROME};position:absolute;top:${placement.top}px;left:${placement.left}px;right:auto;bottom:auto;width:${PANEL_WIDTH}px;height:${placement.maxHeight}px`;
}

/**
 * Places the panel's frame beside the image (or docked), restoring focus to where it was, or
 * to the image, when it closes.
 */
function openPanelFrame(request: RequestOf<'chat/open'>, onClosed: () => void): OpenFrame {
  const previousFocus = meaningfulFocus(document.activeElement);
  const measure = imageRectInTop(request);
  const anchor = () => panelAnchor(previousFocus, request.srcUrl);
  return openExtensionFrame({
    hostName: 'glimpse-image-chat',
    page: PANEL_PAGE,
    title: t('frame.chat'),
    placement: () =>
      placePanel(measure(), { width: innerWidth, height: innerHeight, scrollX, scrollY }),
    anchor,
    onClosed: () => {
      anchor()?.focus();
      onClosed();
    },
  });
}

interface OpenFrame {
  close(): void;
  /** Tab left the frame at one end: focus moves on in the page; false when there was nowhere to go. */
  focusOut(direction: FocusDirection): boolean;
}

/**
 * Places one of Glimpse's pages in an iframe, in a closed shadow root so page styles cannot
 * reach it. The page sees a host element and an iframe it cannot look into.
 */
export function openExtensionFrame(options: {
  hostName: string;
  page: string;
  title: string;
  placement: () => Placement;
  /** Where the frame sits in the page's tab order: right after this element (null: at the start). */
  anchor: () => HTMLElement | null;
  onClosed: () => void;
}): OpenFrame {
  const host = document.createElement(options.hostName);
  host.setAttribute('style', 'all: initial !important; display: contents !important');
  const shadow = host.attachShadow({ mode: 'closed' });
  const frame = document.createElement('iframe');
  frame.src = extensionUrl(options.page);
  frame.title = options.title;
  frame.allow = 'clipboard-write';
  const place = () => {
    const where = options.placement();
    frame.setAttribute('style', frameStyle(where));
    frame.dataset.placement = where.mode;
  };
  place();
  // Markers for the frame's place in the page's Tab order (src/chat/focus-order.ts).
  const [before, after] = [0, 1].map(() => {
    const marker = document.createElement('span');
    marker.tabIndex = -1;
    // A focusable box the user never sees (Chromium skips an element with no box).
    marker.setAttribute(
      'style',
      'position:fixed;top:0;left:0;width:1px;height:1px;overflow:hidden;opacity:0;outline:none',
    );
    return marker;
  }) as [HTMLElement, HTMLElement];
  shadow.append(before, frame, after);
  document.documentElement.append(host);
  // The frame takes focus now, while it loads; it focuses its own first control when drawn.
  frame.focus();
  addEventListener('resize', place);
  const tabOrder = frameInTabOrder({ doc: document, anchor: options.anchor, before, after });

  let closed = false;
  return {
    close() {
      if (closed) return;
      closed = true;
      removeEventListener('resize', place);
      tabOrder.dispose();
      // Removing the frame closes its port: the background cancels its work and frees memory.
      host.remove();
      options.onClosed();
    },
    focusOut: (direction) => !closed && tabOrder.focusOut(direction),
  };
}

/** The element that had focus, unless focus was nowhere in particular. */
function meaningfulFocus(active: Element | null): HTMLElement | null {
  return active instanceof HTMLElement && active !== document.body ? active : null;
}

/**
 * Where the chat panel belongs in the page's focus order, and where focus returns when it
 * closes: where focus was when it opened, or the image (or its link) it is about.
 */
function panelAnchor(previous: HTMLElement | null, srcUrl: string): HTMLElement | null {
  if (previous?.isConnected) return previous;
  const image = [...document.images].find((img) => img.currentSrc === srcUrl || img.src === srcUrl);
  const link = image?.closest('a');
  if (link) return link;
  if (!image) return null;
  // An image is not focusable by itself; -1 keeps it out of the page's own Tab order.
  if (!image.hasAttribute('tabindex')) image.tabIndex = -1;
  return image;
}
