import { describe, expect, test } from 'vitest';
import type { RequestOf, RequestType } from '@/src/messaging/protocol';
import { DESCRIBE_COMMAND, setupPageImages } from '@/src/page-images/setup-background';

const ORIGIN = 'chrome-extension://glimpse';
const panel = { id: 'glimpse', url: `${ORIGIN}/page-images.html`, tab: { id: 5 } };

function setup(expose = false) {
  const sent: { tabId: number; request: RequestOf<RequestType> }[] = [];
  const commandListeners: ((c: string, tab?: { id?: number }) => void)[] = [];
  const images = [{ index: 0, srcUrl: '', alt: '', width: 200, height: 100, inFrame: false }];
  const pageImages = setupPageImages({
    send: (async (tabId: number, _frameId: number, request: RequestOf<RequestType>) => {
      sent.push({ tabId, request });
      switch (request.type) {
        case 'page-images/scan':
          return { images, checked: 3 };
        case 'page-images/read':
          return { image: { kind: 'url', url: 'https://cdn.example/a.png' } };
        case 'page-images/annotate':
          return { added: true };
        default:
          return { opened: true };
      }
    }) as never,
    extensionOrigin: ORIGIN,
    currentTab: async () => 5,
    exposeDescriptions: async () => expose,
    commands: { onCommand: { addListener: (cb) => commandListeners.push(cb) } },
  });
  return { pageImages, sent, commandListeners, images };
}

describe('describe this page’s images, in the background', () => {
  test('the command scans the tab, keeps the list for its panel, and opens the panel', async () => {
    const f = setup();
    for (const l of f.commandListeners) l(DESCRIBE_COMMAND, { id: 5 });
    await new Promise((r) => setTimeout(r, 0));
    expect(f.sent.map((s) => s.request.type)).toEqual(['page-images/scan', 'page-images/open']);
    expect(
      await f.pageImages.handlers['page-images/session']({ type: 'page-images/session' }, panel),
    ).toEqual({ tabId: 5, images: f.images, checked: 3 });
  });

  test('only the page-images panel of that tab gets the list or reaches the page', async () => {
    const f = setup();
    await f.pageImages.describeImagesIn(5);
    for (const sender of [
      { id: 'glimpse', url: `${ORIGIN}/panel.html`, tab: { id: 5 } },
      { id: 'glimpse', url: 'https://evil.example/page-images.html', tab: { id: 5 } },
      { id: 'glimpse', url: `${ORIGIN}/page-images.html` },
    ]) {
      expect(
        await f.pageImages.handlers['page-images/session']({ type: 'page-images/session' }, sender),
      ).toBeNull();
      expect(
        await f.pageImages.handlers['page-images/read'](
          { type: 'page-images/read', index: 0 },
          sender,
        ),
      ).toEqual({ problem: "Glimpse can't read images on this page." });
    }
    expect(
      await f.pageImages.handlers['page-images/read'](
        { type: 'page-images/read', index: 0 },
        panel,
      ),
    ).toEqual({ image: { kind: 'url', url: 'https://cdn.example/a.png' } });
  });

  test('a description goes to the page only while "add descriptions to the page" is on', async () => {
    const annotate = { type: 'page-images/annotate', index: 0, text: 'A cat.' } as const;
    const off = setup(false);
    expect(await off.pageImages.handlers['page-images/annotate'](annotate, panel)).toEqual({
      added: false,
    });
    expect(off.sent).toEqual([]);
    const on = setup(true);
    expect(await on.pageImages.handlers['page-images/annotate'](annotate, panel)).toEqual({
      added: true,
    });
    expect(on.sent).toEqual([{ tabId: 5, request: annotate }]);
  });
});
