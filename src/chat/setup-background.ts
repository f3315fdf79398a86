import { t } from '@/src/i18n/i18n';
import type {
  HandedOverConversation,
  InspectedImage,
  PanelSession,
  RequestOf,
  RequestType,
  ResponseFor,
} from '@/src/messaging/protocol';
import { NoReceiver, type RequestHandlers, type SenderInfo } from '@/src/messaging/runtime-rpc';
import { PAGE_IMAGES_PAGE } from '@/src/page-images/pages';
import { missingHostAccess } from './host-access';

export const MENU_ID = 'glimpse-ask-image';
export const MENU_TITLE = t('menu.askImage');
export const CONTENT_SCRIPT_FILE = '/content-scripts/image-chat.js';
/** The panel's extension page, shown in a frame inside the page's closed shadow root. */
export const PANEL_PAGE = '/panel.html';
const RECENT_CONVERSATIONS = 5;

type MenuContexts = ['image'] | ['page'];

/** Another item on the menu: it gets the tab it was clicked in. */
export interface ExtraMenuItem {
  id: string;
  title: string;
  contexts: MenuContexts;
  onClick(tabId: number): void;
}

/** What Chrome passes to contextMenus.onClicked, as far as Glimpse reads it. */
export interface MenuClick {
  menuItemId: string | number;
  srcUrl?: string;
  frameId?: number;
  frameUrl?: string;
  pageUrl?: string;
}

export interface MenuDeps {
  contextMenus: {
    create(properties: { id: string; title: string; contexts: MenuContexts }): unknown;
    removeAll(): Promise<void>;
    onClicked: { addListener(cb: (info: MenuClick, tab?: { id?: number }) => void): void };
  };
  onInstalled: { addListener(cb: () => void): void };
  /** tabs.sendMessage to one frame, answered through the typed protocol. */
  sendToFrame<T extends RequestType>(
    tabId: number,
    frameId: number,
    request: RequestOf<T>,
  ): Promise<ResponseFor<T>>;
  /** Puts the content script into a tab opened before Glimpse was installed. */
  injectContentScript(tabId: number, frameIds: number[]): Promise<void>;
  /** The panel page's own origin (chrome-extension://id), to tell its requests apart. */
  extensionOrigin: string;
  /** permissions.contains; without it, host access counts as granted. */
  hasHostAccess?(origins: string[]): Promise<boolean>;
}

/**
 * True when a request comes from one of Glimpse's pages framed in a tab (the chat panel by
 * default), not from a content script or another page.
 */
function fromPanelPage(
  sender: SenderInfo,
  extensionOrigin: string,
  pages: string[] = [PANEL_PAGE],
): sender is SenderInfo & {
  tab: { id: number };
} {
  if (!sender.url || sender.tab?.id === undefined) return false;
  const url = new URL(sender.url);
  return `${url.protocol}//${url.host}` === extensionOrigin && pages.includes(url.pathname);
}

/**
 * Registers "Ask Glimpse about this image". Returns its click handler and the requests the
 * panel's frame makes: the background keeps each tab's panel session (the image), so the image
 * reaches the frame without the page, and the page never carries a question or an answer.
 */
export function setupImageMenu(deps: MenuDeps) {
  const sessions = new Map<number, PanelSession>();
  /** Each tab's conversations moved to its side panel, newest first (a few, in memory only). */
  const handedOver = new Map<number, HandedOverConversation[]>();
  const extraItems: ExtraMenuItem[] = [];
  deps.onInstalled.addListener(() => {
    void deps.contextMenus.removeAll().then(() => {
      deps.contextMenus.create({ id: MENU_ID, title: MENU_TITLE, contexts: ['image'] });
      for (const { id, title, contexts } of extraItems)
        deps.contextMenus.create({ id, title, contexts });
    });
  });

  async function send<T extends RequestType>(
    tabId: number,
    frameId: number,
    request: RequestOf<T>,
  ) {
    try {
      return await deps.sendToFrame(tabId, frameId, request);
    } catch (error) {
      // No content script in that frame yet (a tab from before install): add it and try once more.
      if (!(error instanceof NoReceiver)) throw error;
      await deps.injectContentScript(tabId, [frameId]);
      return deps.sendToFrame(tabId, frameId, request);
    }
  }

  /**
   * Keeps the tab's panel session (the image, read by the frame that holds it) and has the top
   * frame place the panel. `frame` is the image's frame when it is not the top one (the rect is
   * then in that frame's coordinates).
   */
  async function openPanel(
    tabId: number,
    srcUrl: string,
    inspected: InspectedImage,
    frame?: { frameId: number; url?: string | undefined },
  ): Promise<void> {
    const hasHostAccess = deps.hasHostAccess;
    const hostAccess = hasHostAccess
      ? await missingHostAccess(inspected.image, {
          contains: ({ origins }) => hasHostAccess(origins),
        })
      : null;
    sessions.set(tabId, {
      tabId,
      ...(hostAccess ? { hostAccess } : {}),
      srcUrl,
      image: inspected.image,
      ...(inspected.problem ? { problem: inspected.problem } : {}),
      alt: inspected.alt,
    });
    await send(tabId, 0, {
      type: 'chat/open',
      srcUrl,
      rect: inspected.rect,
      ...(frame && frame.frameId !== 0 && frame.url ? { frameUrl: frame.url } : {}),
    });
  }

  async function onClicked(info: MenuClick, tab?: { id?: number }): Promise<void> {
    const extra = extraItems.find((item) => item.id === info.menuItemId);
    if (extra && tab?.id !== undefined) extra.onClick(tab.id);
    if (info.menuItemId !== MENU_ID || tab?.id === undefined || !info.srcUrl) return;
    const tabId = tab.id;
    const frameId = info.frameId ?? 0;
    const inspected: InspectedImage = await send(tabId, frameId, {
      type: 'image/inspect',
      srcUrl: info.srcUrl,
    }).catch(() => ({
      image: null,
      problem: t('common.cantReadPage'),
      rect: null,
      alt: '',
    }));
    await openPanel(tabId, info.srcUrl, inspected, { frameId, url: info.frameUrl });
  }

  deps.contextMenus.onClicked.addListener(
    (info, tab) => void onClicked(info, tab).catch(() => undefined),
  );

  const handlers: Pick<
    RequestHandlers,
    | 'panel/session'
    | 'panel/close'
    | 'panel/focus-out'
    | 'panel/hand-over'
    | 'sidepanel/conversations'
  > = {
    'panel/session': async (_request, sender) =>
      fromPanelPage(sender, deps.extensionOrigin) ? (sessions.get(sender.tab.id) ?? null) : null,
    'panel/close': async (_request, sender) => {
      // The chat panel or the page-images panel: whichever Glimpse frame the tab shows.
      if (!fromPanelPage(sender, deps.extensionOrigin, [PANEL_PAGE, PAGE_IMAGES_PAGE]))
        return { closed: false };
      return deps.sendToFrame(sender.tab.id, 0, { type: 'chat/close' });
    },
    'panel/focus-out': async ({ direction }, sender) => {
      if (!fromPanelPage(sender, deps.extensionOrigin, [PANEL_PAGE, PAGE_IMAGES_PAGE]))
        return { moved: false };
      return deps.sendToFrame(sender.tab.id, 0, { type: 'chat/focus-out', direction });
    },
    'panel/hand-over': async ({ conversationId, turns }, sender) => {
      if (!fromPanelPage(sender, deps.extensionOrigin)) return { kept: false };
      const session = sessions.get(sender.tab.id);
      if (!session) return { kept: false };
      const { tabId: _tab, problem: _problem, ...image } = session;
      const list = handedOver.get(sender.tab.id) ?? [];
      handedOver.set(
        sender.tab.id,
        [
          { conversationId, turns, ...image },
          ...list.filter((c) => c.conversationId !== conversationId),
        ].slice(0, RECENT_CONVERSATIONS),
      );
      return { kept: true };
    },
    'sidepanel/conversations': async ({ tabId }, sender) =>
      sender.url?.startsWith(`${deps.extensionOrigin}/sidepanel.html`)
        ? (handedOver.get(tabId) ?? [])
        : [],
  };
  return {
    onClicked,
    /** Adds an item to the menu (registered with the others at install). */
    addMenuItem: (item: ExtraMenuItem) => extraItems.push(item),
    openPanel,
    /** A request to one frame of a tab, adding the content script first if the tab predates it. */
    send,
    handlers,
    forgetTab: (tabId: number) => {
      sessions.delete(tabId);
      handedOver.delete(tabId);
    },
  };
}
