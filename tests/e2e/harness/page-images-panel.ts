/// <reference types="chrome" />
import type { Frame, Page } from 'playwright-core';
import type { ExtensionBrowser } from '../../../scripts/lib/chromium';

export interface ListedImage {
  index: number;
  state: string;
  text: string;
  finished: number | null;
}

/** The page-images panel: Glimpse's page framed in the tab, driven with real input. */
export class PageImagesPanel {
  private constructor(
    readonly page: Page,
    readonly frame: Frame,
  ) {}

  static async find(page: Page, timeoutMs = 15_000): Promise<PageImagesPanel> {
    const started = Date.now();
    for (;;) {
      for (const frame of page.frames()) {
        if (!frame.url().includes('/page-images.html')) continue;
        const ready = await frame
          .evaluate(() => document.documentElement.dataset.readyAt ?? null)
          .catch(() => null);
        if (ready) return new PageImagesPanel(page, frame);
      }
      if (Date.now() - started > timeoutMs) throw new Error('the page-images panel did not open');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  static async isOpen(page: Page): Promise<boolean> {
    return page.evaluate(() => document.querySelector('glimpse-page-images') !== null);
  }

  items(): Promise<ListedImage[]> {
    return this.frame.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('li.page-image')].map((li) => ({
        index: Number(li.dataset.index),
        state: li.dataset.state ?? '',
        text: (li.querySelector('.description') as HTMLElement | null)?.innerText.trim() ?? '',
        finished: li.dataset.finished ? Number(li.dataset.finished) : null,
      })),
    );
  }

  progress(): Promise<string> {
    return this.frame.evaluate(
      () => document.querySelector<HTMLElement>('[data-testid="progress"]')?.innerText ?? '',
    );
  }

  async waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
    const started = Date.now();
    while (!(await check())) {
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Waits until no image is being read or described any more. */
  async settled(timeoutMs = 60_000): Promise<ListedImage[]> {
    await this.waitFor(
      async () =>
        (await this.frame.evaluate(
          () => document.querySelector('.header-actions .stop') === null,
        )) && !(await this.items()).some((i) => ['reading', 'describing'].includes(i.state)),
      'the descriptions to end',
      timeoutMs,
    );
    return this.items();
  }

  button(name: string | RegExp) {
    return this.frame.getByRole('button', { name });
  }
}

/**
 * What happens when the user right-clicks the page (not an image) and picks "Describe this
 * page's images with Glimpse": the background's own menu handler with the info Chrome passes
 * (a native context menu cannot be clicked headless). Returns the click's Date.now().
 */
export async function describePageImages(browser: ExtensionBrowser, page: Page): Promise<number> {
  return browser.serviceWorker.evaluate(async (pageUrl) => {
    const [tab] = await chrome.tabs.query({ url: pageUrl });
    if (tab?.id === undefined) throw new Error(`no tab for ${pageUrl}`);
    const handler = (
      globalThis as unknown as {
        glimpse: { onMenuClicked: (info: unknown, tab: unknown) => Promise<void> };
      }
    ).glimpse.onMenuClicked;
    const clickedAt = Date.now();
    await handler(
      { menuItemId: 'glimpse-describe-page-images', pageUrl, frameId: 0 },
      { id: tab.id },
    );
    return clickedAt;
  }, page.url());
}

/** Opens a page, has Glimpse describe its images, and waits until it is done. */
export async function describeImagesOf(
  browser: ExtensionBrowser,
  url: string,
): Promise<{ page: Page; panel: PageImagesPanel }> {
  const page = await browser.context.newPage();
  await page.goto(url);
  await page.locator('img').last().waitFor({ state: 'attached' });
  await describePageImages(browser, page);
  const panel = await PageImagesPanel.find(page);
  await panel.settled();
  return { page, panel };
}
