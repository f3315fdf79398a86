import type { InspectedImage, RequestOf, RequestType, ResponseFor } from '@/src/messaging/protocol';
import { NoReceiver } from '@/src/messaging/runtime-rpc';
import { missingHostAccess } from './host-access';

export const MENU_ID = 'glimpse-ask-image';
export const MENU_TITLE = 'Ask Glimpse about this image';
export const CONTENT_SCRIPT_FILE = '/content-scripts/image-chat.js';

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
    create(properties: { id: string; title: string; contexts: ['image'] }): unknown;
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
  /** permissions.contains; without it, host access counts as granted. */
  hasHostAccess?(origins: string[]): Promise<boolean>;
}

/** Registers "Ask Glimpse about this image" and returns its click handler. */
export function setupImageMenu(deps: MenuDeps) {
  deps.onInstalled.addListener(() => {
    void deps.contextMenus
      .removeAll()
      .then(() =>
        deps.contextMenus.create({ id: MENU_ID, title: MENU_TITLE, contexts: ['image'] }),
      );
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

  async function onClicked(info: MenuClick, tab?: { id?: number }): Promise<void> {
    if (info.menuItemId !== MENU_ID || tab?.id === undefined || !info.srcUrl) return;
    const tabId = tab.id;
    const frameId = info.frameId ?? 0;
    const inspected: InspectedImage = await send(tabId, frameId, {
      type: 'image/inspect',
      srcUrl: info.srcUrl,
    }).catch(() => ({
      image: null,
      problem: "Glimpse can't read images on this page.",
      rect: null,
      alt: '',
    }));
    const hasHostAccess = deps.hasHostAccess;
    const hostAccess = hasHostAccess
      ? await missingHostAccess(inspected.image, {
          contains: ({ origins }) => hasHostAccess(origins),
        })
      : null;
    await send(tabId, 0, {
      type: 'chat/open',
      ...(hostAccess ? { hostAccess } : {}),
      srcUrl: info.srcUrl,
      image: inspected.image,
      ...(inspected.problem ? { problem: inspected.problem } : {}),
      alt: inspected.alt,
      rect: inspected.rect,
      ...(frameId !== 0 && info.frameUrl ? { frameUrl: info.frameUrl } : {}),
    });
  }

  deps.contextMenus.onClicked.addListener(
    (info, tab) => void onClicked(info, tab).catch(() => undefined),
  );
  return onClicked;
}
