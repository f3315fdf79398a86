import DOMPurify from 'dompurify';
import { render } from 'preact';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { createShadowRootUi } from 'wxt/utils/content-script-ui/shadow-root';
import type { Rect, RequestOf } from '@/src/messaging/protocol';
import { sendRequest, serveRequests } from '@/src/messaging/runtime-rpc';
import { createPortTransport } from './ask-transport';
import { ChatModel, type ChatModelInstance } from './chat-model';
import { requestHostAccess } from './host-access';
import { findImageElement, imageSourceFor } from './image-source';
import { createMarkdownRenderer, type Sanitizer } from './markdown';
import { offsetBy, type Placement, placePanel } from './placement';
import { trackRightClicks } from './right-click-tracker';
import { ChatPanel } from './ui/chat-panel';

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

async function copyText(text: string, shadow: ShadowRoot): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Some pages block the async clipboard: fall back to a selection inside the panel.
    const area = document.createElement('textarea');
    area.value = text;
    shadow.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    if (!ok) throw new Error('copy refused');
  }
}

/** The image-chat content script: runs in every frame; the panel opens only in the top frame. */
export function setupImageChat(ctx: ContentScriptContext): void {
  const rightClicks = trackRightClicks(document);
  const renderMarkdown = createMarkdownRenderer(DOMPurify as unknown as Sanitizer);
  const isTopFrame = window.top === window;
  let closeCurrent: (() => void) | null = null;

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
    'chat/open': async (request) => {
      if (!isTopFrame) return { opened: false };
      closeCurrent?.();
      closeCurrent = await openPanel(ctx, request, renderMarkdown, () => {
        closeCurrent = null;
      });
      return { opened: true };
    },
  });
  ctx.onInvalidated(() => closeCurrent?.());
}

async function openPanel(
  ctx: ContentScriptContext,
  request: RequestOf<'chat/open'>,
  renderMarkdown: (markdown: string) => string,
  onClosed: () => void,
): Promise<() => void> {
  const previousFocus = document.activeElement as HTMLElement | null;
  const measure = imageRectInTop(request);
  const placement = (): Placement =>
    placePanel(measure(), { width: innerWidth, height: innerHeight, scrollX, scrollY });
  let model: ChatModelInstance | null = null;
  let closed = false;

  const ui = await createShadowRootUi(ctx, {
    name: 'glimpse-image-chat',
    position: 'inline',
    anchor: 'html',
    append: 'last',
    // Closed: page scripts cannot read the questions and answers, nor reach the panel's controls.
    mode: 'closed',
    // Keys typed in the panel do not reach the page's own shortcuts.
    isolateEvents: ['keydown', 'keyup', 'keypress', 'input'],
    onMount(container, shadow) {
      model = new ChatModel({
        transport: createPortTransport(),
        image: request.image,
        ...(request.problem ? { problem: request.problem } : {}),
        ...(request.hostAccess ? { hostAccess: request.hostAccess } : {}),
        requestHostAccess: (need) => requestHostAccess(need),
        newId: () => crypto.randomUUID(),
        copy: (text) => copyText(text, shadow),
        openSettings: () => void sendRequest({ type: 'options/open' }).catch(() => undefined),
      });
      const draw = () =>
        render(
          <ChatPanel
            model={model as ChatModelInstance}
            thumbnailUrl={request.srcUrl}
            alt={request.alt}
            placement={placement()}
            renderMarkdown={renderMarkdown}
            onClose={close}
          />,
          container,
        );
      draw();
      addEventListener('resize', draw);
      // Focus moves into the panel: the question box, or the close button when it can't be used.
      const first =
        shadow.querySelector<HTMLElement>('textarea:not([disabled])') ??
        shadow.querySelector<HTMLElement>('button');
      first?.focus();
      return { container, draw };
    },
    onRemove(mounted) {
      if (mounted) {
        removeEventListener('resize', mounted.draw);
        render(null, mounted.container);
      }
    },
  });

  function close() {
    if (closed) return;
    closed = true;
    model?.close();
    ui.remove();
    restoreFocus(previousFocus, request.srcUrl);
    onClosed();
  }

  ui.mount();
  return close;
}

/** Focus goes back where it was, or to the image (or its link) the panel was about. */
function restoreFocus(previous: HTMLElement | null, srcUrl: string) {
  if (previous && previous !== document.body && previous.isConnected) {
    previous.focus();
    return;
  }
  const image = [...document.images].find((img) => img.currentSrc === srcUrl || img.src === srcUrl);
  const link = image?.closest('a');
  if (link) link.focus();
  else if (image) {
    image.tabIndex = -1;
    image.focus();
  }
}
