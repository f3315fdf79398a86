import { beforeEach, describe, expect, test } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  MENU_ID,
  MENU_TITLE,
  type MenuClick,
  type MenuDeps,
  setupImageMenu,
} from '@/src/chat/setup-background';
import type { InspectedImage, RequestOf, RequestType } from '@/src/messaging/protocol';
import { NoReceiver } from '@/src/messaging/runtime-rpc';

beforeEach(() => fakeBrowser.reset());

/** The menu's browser, with the fake browser's real onInstalled event and recorded frame messages. */
function fakeMenuDeps(options: { frames?: Record<number, boolean> } = {}) {
  const created: unknown[] = [];
  const sent: { tabId: number; frameId: number; request: RequestOf<RequestType> }[] = [];
  const injected: { tabId: number; frameIds: number[] }[] = [];
  const hasScript = { ...(options.frames ?? { 0: true, 7: true }) };
  const clickListeners: ((info: MenuClick, tab?: { id?: number }) => void)[] = [];
  const inspected: InspectedImage = {
    image: { kind: 'url', url: 'https://cdn.example/cat.png' },
    rect: { x: 10, y: 20, width: 100, height: 80 },
    alt: 'A cat',
  };
  const deps: MenuDeps = {
    contextMenus: {
      create: (properties) => created.push(properties),
      removeAll: async () => {},
      onClicked: { addListener: (cb) => clickListeners.push(cb) },
    },
    onInstalled: fakeBrowser.runtime.onInstalled,
    sendToFrame: (async (tabId: number, frameId: number, request: RequestOf<RequestType>) => {
      if (!hasScript[frameId]) throw new NoReceiver('no receiver');
      sent.push({ tabId, frameId, request });
      if (request.type === 'image/inspect') return inspected;
      return request.type === 'chat/close' ? { closed: true } : { opened: true };
    }) as MenuDeps['sendToFrame'],
    extensionOrigin: 'chrome-extension://glimpse',
    injectContentScript: async (tabId, frameIds) => {
      injected.push({ tabId, frameIds });
      for (const id of frameIds) hasScript[id] = true;
    },
  };
  return {
    deps,
    created,
    sent,
    injected,
    click: (info: MenuClick, tab?: { id?: number }) => clickListeners[0]?.(info, tab),
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('"Ask Glimpse about this image" menu', () => {
  test('is registered on install, for images', async () => {
    const f = fakeMenuDeps();
    setupImageMenu(f.deps);
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'install' });
    await flush();
    expect(f.created).toEqual([{ id: MENU_ID, title: MENU_TITLE, contexts: ['image'] }]);
  });

  test('another item (the page’s "describe its images") is registered with it and gets its clicks', async () => {
    const f = fakeMenuDeps();
    const menu = setupImageMenu(f.deps);
    const clicked: number[] = [];
    menu.addMenuItem({
      id: 'page-item',
      title: 'Describe',
      contexts: ['page'],
      onClick: (tabId) => clicked.push(tabId),
    });
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'install' });
    await flush();
    expect(f.created).toEqual([
      { id: MENU_ID, title: MENU_TITLE, contexts: ['image'] },
      { id: 'page-item', title: 'Describe', contexts: ['page'] },
    ]);
    await menu.onClicked({ menuItemId: 'page-item', pageUrl: 'https://site.example/' }, { id: 6 });
    expect(clicked).toEqual([6]);
    expect(f.sent).toEqual([]);
  });

  test('a click inspects the image in its frame, then opens the panel in the top frame', async () => {
    const f = fakeMenuDeps();
    const { onClicked } = setupImageMenu(f.deps);
    await onClicked(
      {
        menuItemId: MENU_ID,
        srcUrl: 'https://cdn.example/cat.png',
        frameId: 7,
        frameUrl: 'https://ads.example/frame',
      },
      { id: 3 },
    );
    expect(f.sent).toEqual([
      {
        tabId: 3,
        frameId: 7,
        request: { type: 'image/inspect', srcUrl: 'https://cdn.example/cat.png' },
      },
      {
        tabId: 3,
        frameId: 0,
        request: {
          type: 'chat/open',
          srcUrl: 'https://cdn.example/cat.png',
          rect: { x: 10, y: 20, width: 100, height: 80 },
          frameUrl: 'https://ads.example/frame',
        },
      },
    ]);
  });

  test('the listener added to contextMenus.onClicked runs the same handler', async () => {
    const f = fakeMenuDeps();
    setupImageMenu(f.deps);
    f.click({ menuItemId: MENU_ID, srcUrl: 'https://cdn.example/cat.png' }, { id: 9 });
    await flush();
    expect(f.sent.map((s) => s.request.type)).toEqual(['image/inspect', 'chat/open']);
  });

  test('other menus, clicks without a tab or an image do nothing', async () => {
    const f = fakeMenuDeps();
    const { onClicked } = setupImageMenu(f.deps);
    await onClicked({ menuItemId: 'something-else', srcUrl: 'https://x/y.png' }, { id: 1 });
    await onClicked({ menuItemId: MENU_ID }, { id: 1 });
    await onClicked({ menuItemId: MENU_ID, srcUrl: 'https://x/y.png' });
    expect(f.sent).toEqual([]);
  });

  test('a tab opened before install gets the content script, then the panel', async () => {
    const f = fakeMenuDeps({ frames: {} });
    const { onClicked } = setupImageMenu(f.deps);
    await onClicked({ menuItemId: MENU_ID, srcUrl: 'https://x/y.png', frameId: 0 }, { id: 4 });
    expect(f.injected).toEqual([{ tabId: 4, frameIds: [0] }]);
    expect(f.sent.map((s) => s.request.type)).toEqual(['image/inspect', 'chat/open']);
  });

  test("the panel's frame gets its tab's image from the background, nothing else does", async () => {
    const f = fakeMenuDeps();
    const { onClicked, handlers } = setupImageMenu(f.deps);
    await onClicked({ menuItemId: MENU_ID, srcUrl: 'https://cdn.example/cat.png' }, { id: 3 });
    const frame = { id: 'glimpse', url: 'chrome-extension://glimpse/panel.html', tab: { id: 3 } };
    const session = { type: 'panel/session' } as const;
    expect(await handlers['panel/session'](session, frame)).toEqual({
      tabId: 3,
      srcUrl: 'https://cdn.example/cat.png',
      image: { kind: 'url', url: 'https://cdn.example/cat.png' },
      alt: 'A cat',
    });
    // Another tab's frame, a content script (page URL) or another extension page get nothing.
    expect(await handlers['panel/session'](session, { ...frame, tab: { id: 4 } })).toBeNull();
    expect(
      await handlers['panel/session'](session, { ...frame, url: 'https://cdn.example/' }),
    ).toBeNull();
    expect(
      await handlers['panel/session'](session, {
        ...frame,
        url: 'chrome-extension://glimpse/options.html',
      }),
    ).toBeNull();
  });

  test("the frame's close goes to its own tab's top frame", async () => {
    const f = fakeMenuDeps();
    const { handlers } = setupImageMenu(f.deps);
    const frame = { id: 'glimpse', url: 'chrome-extension://glimpse/panel.html', tab: { id: 5 } };
    expect(await handlers['panel/close']({ type: 'panel/close' }, frame)).toEqual({ closed: true });
    expect(f.sent).toEqual([{ tabId: 5, frameId: 0, request: { type: 'chat/close' } }]);
    expect(
      await handlers['panel/close']({ type: 'panel/close' }, { ...frame, url: 'https://x/' }),
    ).toEqual({ closed: false });
  });

  test("Tab leaving the frame goes to its own tab's top frame, and only from Glimpse's frames", async () => {
    const f = fakeMenuDeps();
    const { handlers } = setupImageMenu(f.deps);
    const frame = { id: 'glimpse', url: 'chrome-extension://glimpse/panel.html', tab: { id: 5 } };
    const out = { type: 'panel/focus-out', direction: 'next' } as const;
    await handlers['panel/focus-out'](out, frame);
    expect(f.sent).toEqual([
      { tabId: 5, frameId: 0, request: { type: 'chat/focus-out', direction: 'next' } },
    ]);
    expect(await handlers['panel/focus-out'](out, { ...frame, url: 'https://x/' })).toEqual({
      moved: false,
    });
    expect(f.sent).toHaveLength(1);
  });

  test('tells the panel when the image needs host access the user has not granted', async () => {
    const f = fakeMenuDeps();
    const asked: string[][] = [];
    const { handlers } = setupImageMenu({
      ...f.deps,
      hasHostAccess: async (origins) => {
        asked.push(origins);
        return false;
      },
    });
    f.click({ menuItemId: MENU_ID, srcUrl: 'https://cdn.example/cat.png', frameId: 0 }, { id: 3 });
    await flush();
    await flush();
    expect(asked).toEqual([['https://cdn.example/*']]);
    // The need reaches only the panel's own frame (an extension page that can ask the browser).
    const frame = { id: 'glimpse', url: 'chrome-extension://glimpse/panel.html', tab: { id: 3 } };
    expect(await handlers['panel/session']({ type: 'panel/session' }, frame)).toMatchObject({
      hostAccess: { origin: 'https://cdn.example/*', host: 'cdn.example' },
    });
    const open = f.sent.find((m) => m.request.type === 'chat/open')?.request;
    expect(open).not.toHaveProperty('hostAccess');
  });
});
