/// <reference types="chrome" />
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { artifactPath } from './harness/artifacts';
import { fullAxTree, textUnder } from './harness/ax-tree';
import { PanelPage } from './harness/panel-page';
import { useReachBrowser } from './harness/reach-suite';
import { pressEscapeToClose, pressShortcut } from './harness/shortcut';

const SHORTCUT = 'Alt+Shift+G';

const suite = useReachBrowser();

async function openPage(path: string): Promise<Page> {
  const page = await suite.browser.context.newPage();
  await page.goto(suite.site.url(path));
  await page.locator('img').first().waitFor();
  await page.evaluate(() =>
    Promise.all([...document.images].map((i) => i.decode().catch(() => undefined))),
  );
  return page;
}

const subtitle = (panel: PanelPage) => panel.text('.subtitle');
const activeId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

/** The Glimpse notice on the page, as assistive technology reads it (role alert). */
async function noticeText(page: Page): Promise<string | null> {
  const nodes = await fullAxTree(page);
  const alert = nodes.find((n) => n.role?.value === 'alert');
  return alert ? textUnder(nodes, alert) : null;
}

describe('ask from the keyboard (the ask-about-image command)', () => {
  test('the shortcut is the manifest command Chromium bound, rebindable at chrome://extensions/shortcuts', async () => {
    const commands = await suite.browser.serviceWorker.evaluate(() => chrome.commands.getAll());
    expect(commands).toContainEqual(
      expect.objectContaining({ name: 'ask-about-image', shortcut: SHORTCUT }),
    );
  });

  test('a focused link opens the panel about its image; Esc gives focus back to the link', async () => {
    const page = await openPage('/keyboard');
    await page.keyboard.press('Tab');
    expect(await activeId(page)).toBe('link');
    await pressShortcut(page, SHORTCUT);
    const panel = await PanelPage.find(page);
    expect(await subtitle(panel)).toBe('“dark picture in a link”');
    expect(panel.shadowRootType).toBe('closed');
    expect(await panel.focused()).toBe('textarea#glimpse-question');
    // Anchored beside that image, not another one.
    const image = await page.locator('#in-link').boundingBox();
    const box = await panel.box();
    if (!image || !box) throw new Error('no boxes');
    expect(box.x).toBeGreaterThanOrEqual(image.x + image.width);
    await pressEscapeToClose(page);
    await expect.poll(() => PanelPage.isOpen(page)).toBe(false);
    expect(await activeId(page)).toBe('link');

    // The next Tab stop is an image with a tabindex: the same shortcut asks about it.
    await page.keyboard.press('Tab');
    expect(await activeId(page)).toBe('focusable');
    await pressShortcut(page, SHORTCUT);
    expect(await subtitle(await PanelPage.find(page))).toBe('“bright picture you can focus”');
  });

  test('with nothing focused, the image under the pointer (beneath a transparent pane)', async () => {
    const page = await openPage('/keyboard');
    const glass = await page.locator('#glass').boundingBox();
    if (!glass) throw new Error('no glass pane');
    await page.mouse.move(glass.x + glass.width / 2, glass.y + glass.height / 2);
    expect(await activeId(page)).toBe('');
    await pressShortcut(page, SHORTCUT);
    expect(await subtitle(await PanelPage.find(page))).toBe('“bright picture under a glass pane”');
  });

  test('with nothing focused or pointed at, the largest image on screen', async () => {
    const page = await openPage('/keyboard');
    const heading = await page.locator('h1').boundingBox();
    if (!heading) throw new Error('no heading');
    await page.mouse.move(heading.x + 4, heading.y + 4);
    await pressShortcut(page, SHORTCUT);
    expect(await subtitle(await PanelPage.find(page))).toBe('“the largest dark picture”');
  });

  test('with no image on the page, a short notice says so and no panel opens', async () => {
    const page = await openPage('/no-images');
    await page.locator('#button').focus();
    await pressShortcut(page, SHORTCUT);
    await expect
      .poll(() => noticeText(page))
      .toBe('Glimpse found no image here. Focus an image, or point at one, and try again.');
    expect(await PanelPage.isOpen(page)).toBe(false);
    // The notice does not take focus.
    expect(await activeId(page)).toBe('button');
    await page.screenshot({ path: artifactPath('keyboard-no-image.png') });
  });

  test('the popup button does the same for the tab behind it', async () => {
    const page = await openPage('/keyboard');
    await page.keyboard.press('Tab');
    await page.bringToFront();
    // The toolbar popup is not a tab: open it in a popup window, so the page stays the active
    // tab of the last focused browser window, as when the toolbar button is clicked.
    const popupOpened = suite.browser.context.waitForEvent('page');
    await suite.browser.serviceWorker.evaluate(async () => {
      await chrome.windows.create({ url: chrome.runtime.getURL('/popup.html'), type: 'popup' });
    });
    const popup = await popupOpened;
    await popup.getByRole('button', { name: "Ask about the image I'm on" }).click();
    expect(await subtitle(await PanelPage.find(page))).toBe('“dark picture in a link”');
    await expect.poll(() => popup.isClosed()).toBe(true);

    const empty = await openPage('/no-images');
    await empty.bringToFront();
    const again = suite.browser.context.waitForEvent('page');
    await suite.browser.serviceWorker.evaluate(async () => {
      await chrome.windows.create({ url: chrome.runtime.getURL('/popup.html'), type: 'popup' });
    });
    const popup2 = await again;
    await popup2.getByRole('button', { name: "Ask about the image I'm on" }).click();
    await expect
      .poll(() => popup2.getByRole('alert').textContent())
      .toBe('No image to ask about on this page. Focus an image, or point at one, and try again.');
  });
});
