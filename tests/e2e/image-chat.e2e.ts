import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type ExtensionBrowser, launchWithExtension } from '../../scripts/lib/chromium';
import { BRIGHT_ANSWER, DARK_ANSWER } from '../fixtures/tiny-smolvlm/generate';
import type { MirrorServer } from '../support/mirror-server';
import { artifactPath } from './harness/artifacts';
import { setSettings, startMirror, tinyModelSettings } from './harness/engine-env';
import { askGlimpseAbout, PanelPage } from './harness/panel-page';
import { startTestSite, type TestSite } from './harness/test-site';

let mirror: MirrorServer;
let site: TestSite;
let browser: ExtensionBrowser;
beforeAll(async () => {
  mirror = await startMirror();
  site = await startTestSite();
  browser = await launchWithExtension();
  // WASM keeps these many answers quick; WebGPU is covered by the engine suite.
  await setSettings(browser.serviceWorker, tinyModelSettings(mirror, { backend: 'wasm' }));
});
afterAll(async () => {
  await browser.dispose();
  await site.close();
  await mirror.stop();
});
afterEach(async () => {
  for (const page of browser.context.pages().slice(1)) await page.close();
});

async function openPanel(path: string) {
  const page = await browser.context.newPage();
  await page.goto(site.url(path));
  await page.locator('#target').waitFor();
  await askGlimpseAbout(browser, page);
  return { page, panel: await PanelPage.find(page) };
}

describe('right-click an image and ask', () => {
  test('a cross-origin image without CORS: the panel opens beside it and streams the exact answer', async () => {
    const { page, panel } = await openPanel('/cross-origin');
    expect(panel.shadowRootType).toBe('closed');
    expect(await panel.focused()).toBe('textarea#glimpse-question');
    const image = await page.locator('#target').boundingBox();
    const box = await panel.rect('section.panel');
    expect(await panel.attribute('section.panel', 'data-placement')).toBe('anchored');
    if (!image || !box) throw new Error('no boxes');
    expect(box.x).toBeGreaterThanOrEqual(image.x + image.width);
    expect(box.x - (image.x + image.width)).toBeLessThan(40);
    await panel.ask('What is in this picture?');
    const turn = await panel.lastTurn();
    expect(turn).toEqual({ state: 'done', answer: DARK_ANSWER, error: null });
    await page.screenshot({ path: artifactPath('panel-answer.png') });
  });
});

export { BRIGHT_ANSWER };
