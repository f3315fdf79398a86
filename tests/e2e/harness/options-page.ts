import type { Locator, Page } from 'playwright-core';
import type { ExtensionBrowser } from '../../../scripts/lib/chromium';

export class OptionsPage {
  private constructor(readonly page: Page) {}

  static async open(browser: ExtensionBrowser): Promise<OptionsPage> {
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
    await page.getByRole('heading', { name: 'Glimpse settings' }).waitFor();
    return new OptionsPage(page);
  }

  get mirror(): Locator {
    return this.page.locator('input[name="mirror"]');
  }

  async setMirror(url: string): Promise<void> {
    await this.mirror.fill(url);
    await this.mirror.press('Tab');
    await this.saved();
  }

  async chooseBackend(label: RegExp): Promise<void> {
    await this.page.getByRole('radio', { name: label }).check();
    await this.saved();
  }

  async setCustomModel(id: string): Promise<void> {
    const input = this.page.locator('input[name="custom-model"]');
    await input.fill(id);
    await input.press('Tab');
  }

  /** Points votes at a service (empty: the build's own), as a user does in Options. */
  async setVoteService(url: string): Promise<void> {
    const input = this.page.locator('input[name="vote-service"]');
    await input.fill(url);
    await input.press('Tab');
    await this.saved();
  }

  async setDeviceOnly(on: boolean): Promise<void> {
    await this.page
      .getByRole('checkbox', { name: 'Keep my vote on this device only' })
      .setChecked(on);
    await this.saved();
  }

  saved(): Promise<void> {
    return this.page.getByTestId('save-status').filter({ hasText: 'Saved.' }).waitFor();
  }

  cacheList(): Locator {
    return this.page.getByTestId('cache-list');
  }

  async importFolder(dir: string): Promise<string> {
    await this.page.locator('input[name="import"]').setInputFiles(dir);
    const status = this.page
      .getByTestId('import-status')
      .filter({ hasText: /Imported|isn't|couldn't/ });
    await status.waitFor();
    return (await status.textContent()) ?? '';
  }
}
