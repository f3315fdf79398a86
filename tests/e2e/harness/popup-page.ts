/// <reference types="chrome" />
import type { Locator, Page } from 'playwright-core';
import type { ExtensionBrowser } from '../../../scripts/lib/chromium';

/** The verdict popup, opened as a tab at its extension URL. */
export class PopupPage {
  private constructor(
    readonly page: Page,
    private readonly browser: ExtensionBrowser,
  ) {}

  static async open(browser: ExtensionBrowser): Promise<PopupPage> {
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    const popup = new PopupPage(page, browser);
    await popup.voteStatus.filter({ hasNotText: 'Loading' }).waitFor();
    return popup;
  }

  card(name: string): Locator {
    return this.page.getByRole('article', { name });
  }

  stat(name: string, stat: 'panel' | 'community' | 'entry'): Locator {
    return this.card(name).locator(`[data-stat="${stat}"]`);
  }

  voteButton(name: string): Locator {
    return this.card(name).locator('.vote-button');
  }

  get withdrawButton(): Locator {
    return this.page.getByRole('button', { name: 'Withdraw my vote' });
  }

  get voteStatus(): Locator {
    return this.page.getByRole('status');
  }

  get tallyNote(): Locator {
    return this.page.getByTestId('tally-note');
  }

  /** Why the sync is failing and when it tries again; absent while nothing is wrong. */
  get syncProblem(): Locator {
    return this.page.getByTestId('sync-problem');
  }

  quotes(toolId?: string): Locator {
    const scope = toolId ? this.page.locator(`.scorecard-tool[data-tool="${toolId}"]`) : this.page;
    return scope.locator('li.quote');
  }

  split(toolId: string): Locator {
    return this.page.locator(`[data-split="${toolId}"]`);
  }

  /** The badge as Chromium shows it, read from the service worker. */
  async badge(): Promise<{ text: string; color: number[] }> {
    return this.browser.serviceWorker.evaluate(async () => ({
      text: await chrome.action.getBadgeText({}),
      color: await chrome.action.getBadgeBackgroundColor({}),
    }));
  }

  /** Milliseconds from navigation start to the first frame after render, and to first paint. */
  async renderTimings(): Promise<{ renderedMs: number; firstPaintMs: number }> {
    return this.page.evaluate(() => ({
      renderedMs:
        performance.getEntriesByName('glimpse:popup-rendered')[0]?.startTime ?? Number.NaN,
      firstPaintMs:
        performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
    }));
  }

  async close(): Promise<void> {
    await this.page.close();
  }
}
