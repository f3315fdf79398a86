/// <reference types="chrome" />
import type { CDPSession, Frame, Page } from 'playwright-core';
import type { ExtensionBrowser } from '../../../scripts/lib/chromium';

interface DomNode {
  nodeId: number;
  localName?: string;
  children?: DomNode[];
  shadowRoots?: (DomNode & { shadowRootType?: string })[];
  contentDocument?: DomNode;
}

function findHost(node: DomNode): DomNode | null {
  if (node.localName === 'glimpse-image-chat') return node;
  for (const child of [...(node.children ?? []), ...(node.shadowRoots ?? [])]) {
    const found = findHost(child);
    if (found) return found;
  }
  return null;
}

/**
 * The in-page panel. Its shadow root is closed (page scripts cannot reach it), so the tests
 * reach it the way DevTools does, through CDP; clicks and keys are real input events.
 */
export class PanelPage {
  private constructor(
    readonly page: Page,
    private readonly cdp: CDPSession,
    private readonly rootObjectId: string,
    readonly shadowRootType: string,
  ) {}

  static async find(page: Page, timeoutMs = 15_000): Promise<PanelPage> {
    const cdp = await page.context().newCDPSession(page);
    const started = Date.now();
    for (;;) {
      const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as {
        root: DomNode;
      };
      const host = findHost(root);
      const shadow = host?.shadowRoots?.[0];
      if (shadow) {
        const { object } = (await cdp.send('DOM.resolveNode', { nodeId: shadow.nodeId })) as {
          object: { objectId: string };
        };
        return new PanelPage(page, cdp, object.objectId, shadow.shadowRootType ?? '');
      }
      if (Date.now() - started > timeoutMs) throw new Error('the Glimpse panel did not open');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  static async isOpen(page: Page): Promise<boolean> {
    const cdp = await page.context().newCDPSession(page);
    const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as {
      root: DomNode;
    };
    await cdp.detach();
    return findHost(root) !== null;
  }

  private async call<T>(fn: string, ...args: unknown[]): Promise<T> {
    const { result, exceptionDetails } = (await this.cdp.send('Runtime.callFunctionOn', {
      objectId: this.rootObjectId,
      functionDeclaration: fn,
      arguments: args.map((value) => ({ value })),
      returnByValue: true,
      awaitPromise: true,
    })) as { result: { value: T }; exceptionDetails?: { text: string } };
    if (exceptionDetails) throw new Error(exceptionDetails.text);
    return result.value;
  }

  text(selector: string): Promise<string | null> {
    return this.call(
      'function (s) { const el = this.querySelector(s); return el ? el.innerText : null; }',
      selector,
    );
  }

  texts(selector: string): Promise<string[]> {
    return this.call(
      'function (s) { return [...this.querySelectorAll(s)].map((el) => el.innerText); }',
      selector,
    );
  }

  count(selector: string): Promise<number> {
    return this.call('function (s) { return this.querySelectorAll(s).length; }', selector);
  }

  attribute(selector: string, name: string): Promise<string | null> {
    return this.call(
      'function (s, n) { return this.querySelector(s)?.getAttribute(n) ?? null; }',
      selector,
      name,
    );
  }

  html(selector: string): Promise<string | null> {
    return this.call('function (s) { return this.querySelector(s)?.innerHTML ?? null; }', selector);
  }

  /** The focused element inside the panel, as "tag#id" or "tag.class". */
  focused(): Promise<string | null> {
    return this.call(
      'function () { const el = this.activeElement; return el ? el.localName + (el.id ? "#" + el.id : "") : null; }',
    );
  }

  rect(selector: string): Promise<{ x: number; y: number; width: number; height: number } | null> {
    return this.call(
      'function (s) { const r = this.querySelector(s)?.getBoundingClientRect(); return r ? { x: r.x, y: r.y, width: r.width, height: r.height } : null; }',
      selector,
    );
  }

  /** A real mouse click at the element's centre. */
  async click(selector: string): Promise<void> {
    const r = await this.rect(selector);
    if (!r) throw new Error(`no ${selector} in the panel`);
    await this.page.mouse.click(r.x + r.width / 2, r.y + r.height / 2);
  }

  async clickButton(label: string): Promise<void> {
    const r = await this.call<{ x: number; y: number; width: number; height: number } | null>(
      `function (l) {
        const b = [...this.querySelectorAll('button')].find((b) => b.innerText.trim() === l || b.getAttribute('aria-label') === l);
        if (!b) return null;
        const r = b.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      }`,
      label,
    );
    if (!r) throw new Error(`no button "${label}" in the panel`);
    await this.page.mouse.click(r.x + r.width / 2, r.y + r.height / 2);
  }

  /** What is under a viewport point, seen from inside the panel (for debugging hit tests). */
  elementAt(x: number, y: number): Promise<string | null> {
    return this.call(
      'function (x, y) { const el = this.elementFromPoint(x, y); return el ? el.outerHTML.slice(0, 120) : null; }',
      x,
      y,
    );
  }

  /** Types a question into the focused box and presses Enter, as a user would. */
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
 * What happens when a user right-clicks the image and picks "Ask Glimpse about this image":
 * a real right-click on the element (the page sees the contextmenu event), then the background's
 * own menu handler with the info Chrome passes (srcUrl = the source shown, frameId of its frame).
 */
export async function askGlimpseAbout(
  browser: ExtensionBrowser,
  page: Page,
  selector = '#target',
  frame?: Frame,
): Promise<void> {
  const scope = frame ?? page.mainFrame();
  const target = scope.locator(selector);
  await target.scrollIntoViewIfNeeded();
  await target.click({ button: 'right' });
  const srcUrl = await target.evaluate(
    (el) => (el as HTMLImageElement).currentSrc || (el as HTMLImageElement).src,
  );
  const frameUrl = scope.url();
  await browser.serviceWorker.evaluate(
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
      await handler(
        { menuItemId: 'glimpse-ask-image', srcUrl, frameId, frameUrl, pageUrl },
        { id: tab.id },
      );
    },
    { pageUrl: page.url(), frameUrl, srcUrl },
  );
}
