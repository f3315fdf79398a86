/// <reference types="chrome" />
import type { Frame, Page } from 'playwright-core';
import type { ExtensionBrowser } from '../../../scripts/lib/chromium';

interface DomNode {
  nodeId: number;
  localName?: string;
  children?: DomNode[];
  shadowRoots?: (DomNode & { shadowRootType?: string })[];
  contentDocument?: DomNode;
}

/** The panel host's shadow root mode ('closed'), or '' when there is no panel on the page. */
async function shadowRootTypeOf(page: Page): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as {
      root: DomNode;
    };
    const host = findHost(root);
    if (!host) return '';
    return host.shadowRoots?.[0]?.shadowRootType ?? 'none';
  } finally {
    await cdp.detach();
  }
}

function findHost(node: DomNode): DomNode | null {
  if (node.localName === 'glimpse-image-chat') return node;
  for (const child of [...(node.children ?? []), ...(node.shadowRoots ?? [])]) {
    const found = findHost(child);
    if (found) return found;
  }
  return null;
}

type Box = { x: number; y: number; width: number; height: number };

/** The panel's extension-page frame in a tab, once it is ready to type. */
async function panelFrame(page: Page): Promise<Frame | null> {
  for (const frame of page.frames()) {
    if (!frame.url().startsWith('chrome-extension://') || !frame.url().includes('/panel.html'))
      continue;
    const ready = await frame
      .evaluate(() => document.documentElement.dataset.readyAt ?? null)
      .catch(() => null);
    if (ready) return frame;
  }
  return null;
}

/**
 * The in-page panel: Glimpse's own page in a frame, inside a closed shadow root on the page.
 * The tests drive the frame as a user would (real mouse and keyboard input through
 * Playwright's frame APIs) and read the shadow root's mode through CDP, as DevTools does.
 */
export class PanelPage {
  private constructor(
    readonly page: Page,
    readonly frame: Frame,
    readonly shadowRootType: string,
  ) {}

  static async find(page: Page, timeoutMs = 15_000): Promise<PanelPage> {
    const started = Date.now();
    for (;;) {
      const frame = await panelFrame(page);
      if (frame) return new PanelPage(page, frame, await shadowRootTypeOf(page));
      if (Date.now() - started > timeoutMs) throw new Error('the Glimpse panel did not open');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * Whether the panel's host is in the page. Asked of the page's own DOM, where the host is an
   * ordinary element: cheaper than a pierced CDP snapshot of every frame.
   */
  static async isOpen(page: Page): Promise<boolean> {
    return page.evaluate(() => document.querySelector('glimpse-image-chat') !== null);
  }

  text(selector: string): Promise<string | null> {
    return this.frame.evaluate(
      (s) => (document.querySelector(s) as HTMLElement | null)?.innerText ?? null,
      selector,
    );
  }

  texts(selector: string): Promise<string[]> {
    return this.frame.evaluate(
      (s) => [...document.querySelectorAll<HTMLElement>(s)].map((el) => el.innerText),
      selector,
    );
  }

  count(selector: string): Promise<number> {
    return this.frame.evaluate((s) => document.querySelectorAll(s).length, selector);
  }

  attribute(selector: string, name: string): Promise<string | null> {
    return this.frame.evaluate(([s, n]) => document.querySelector(s)?.getAttribute(n) ?? null, [
      selector,
      name,
    ] as const);
  }

  html(selector: string): Promise<string | null> {
    return this.frame.evaluate((s) => document.querySelector(s)?.innerHTML ?? null, selector);
  }

  /** The focused element in the panel, as "tag#id", only while the frame itself has focus. */
  focused(): Promise<string | null> {
    return this.frame.evaluate(() => {
      const el = document.activeElement;
      return document.hasFocus() && el ? el.localName + (el.id ? `#${el.id}` : '') : null;
    });
  }

  /** The frame's box on the page, in the page's viewport coordinates. */
  async box(): Promise<Box | null> {
    return (await this.frame.frameElement()).boundingBox();
  }

  /** 'anchored' or 'docked', as the content script placed the frame. */
  async placement(): Promise<string | null> {
    return (await this.frame.frameElement()).getAttribute('data-placement');
  }

  /** An element's box inside the frame, in the frame's coordinates. */
  rect(selector: string): Promise<Box | null> {
    return this.frame.evaluate((s) => {
      const r = document.querySelector(s)?.getBoundingClientRect();
      return r ? { x: r.x, y: r.y, width: r.width, height: r.height } : null;
    }, selector);
  }

  /** A real mouse click on the element. */
  async click(selector: string): Promise<void> {
    await this.frame.locator(selector).first().click();
  }

  async clickButton(label: string): Promise<void> {
    const index = await this.frame.evaluate(
      (l) =>
        [...document.querySelectorAll('button')].findIndex(
          (b) => b.innerText.trim() === l || b.getAttribute('aria-label') === l,
        ),
      label,
    );
    if (index < 0) throw new Error(`no button "${label}" in the panel`);
    await this.frame.locator('button').nth(index).click();
  }

  /** Types a question into the box and presses Enter, as a user would. */
  async ask(question: string): Promise<void> {
    await this.click('textarea');
    await this.page.keyboard.type(question);
    await this.page.keyboard.press('Enter');
  }

  async waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
    const started = Date.now();
    while (!(await check())) {
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Waits for the last turn to end, and returns its state and answer. */
  async lastTurn(
    timeoutMs = 30_000,
  ): Promise<{ state: string; answer: string; error: string | null }> {
    await this.waitFor(
      async () =>
        ['done', 'error', 'cancelled'].includes(
          (await this.attribute('li.turn:last-child', 'data-state')) ?? '',
        ),
      'the answer',
      timeoutMs,
    );
    return {
      state: (await this.attribute('li.turn:last-child', 'data-state')) ?? '',
      answer: ((await this.text('li.turn:last-child .answer')) ?? '').trim(),
      error: await this.text('li.turn:last-child .error'),
    };
  }

  async turnStats(
    index: number,
  ): Promise<{ promptTokens: number; imageTokens: number; reusedCache: boolean }> {
    const selector = `li.turn:nth-child(${index + 1})`;
    return {
      promptTokens: Number(await this.attribute(selector, 'data-prompt-tokens')),
      imageTokens: Number(await this.attribute(selector, 'data-image-tokens')),
      reusedCache: (await this.attribute(selector, 'data-reused-cache')) === 'true',
    };
  }
}

/**
 * What happens when a user right-clicks the image (returns the click's time, Date.now() in the
 * service worker) and picks "Ask Glimpse about this image":
 * a real right-click on the element (the page sees the contextmenu event), then the background's
 * own menu handler with the info Chrome passes (srcUrl = the source shown, frameId of its frame).
 */
export async function askGlimpseAbout(
  browser: ExtensionBrowser,
  page: Page,
  selector = '#target',
  frame?: Frame,
): Promise<number> {
  const scope = frame ?? page.mainFrame();
  const target = scope.locator(selector);
  await target.scrollIntoViewIfNeeded();
  await target.click({ button: 'right' });
  const srcUrl = await target.evaluate(
    (el) => (el as HTMLImageElement).currentSrc || (el as HTMLImageElement).src,
  );
  const frameUrl = scope.url();
  return browser.serviceWorker.evaluate(
    async ({ pageUrl, frameUrl, srcUrl }) => {
      const [tab] = await chrome.tabs.query({ url: pageUrl });
      if (tab?.id === undefined) throw new Error(`no tab for ${pageUrl}`);
      const frames = await chrome.scripting.executeScript({
        target: { tabId: tab.id, allFrames: true },
        func: () => location.href,
      });
      const frameId = frames.find((f) => f.result === frameUrl)?.frameId ?? 0;
      const handler = (
        globalThis as unknown as {
          glimpse: { onMenuClicked: (info: unknown, tab: unknown) => Promise<void> };
        }
      ).glimpse.onMenuClicked;
      // The moment of the menu click, for the open-to-ready figure.
      const clickedAt = Date.now();
      await handler(
        { menuItemId: 'glimpse-ask-image', srcUrl, frameId, frameUrl, pageUrl },
        { id: tab.id },
      );
      return clickedAt;
    },
    { pageUrl: page.url(), frameUrl, srcUrl },
  );
}
