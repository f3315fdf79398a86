/// <reference types="chrome" />
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, test } from 'vitest';
import { BRIGHT_ANSWER, DARK_ANSWER } from '../fixtures/tiny-smolvlm/generate';
import { artifactPath } from './harness/artifacts';
import { axNodeForId } from './harness/ax-tree';
import { setSettings, tinyModelSettings } from './harness/engine-env';
import { recordFigure } from './harness/figures';
import { describePageImages, PageImagesPanel } from './harness/page-images-panel';
import { askGlimpseAbout, PanelPage } from './harness/panel-page';
import { PAGE_IMAGES } from './harness/reach-site';
import { useReachBrowser } from './harness/reach-suite';
import { pressEscapeToClose, pressShortcut } from './harness/shortcut';

const LISTED = PAGE_IMAGES.filter((i) => i.listed);
const EXPECTED = LISTED.map((i) => (i.bright ? BRIGHT_ANSWER : DARK_ANSWER));
const DESCRIBED_BY = 'Described by Glimpse: ';

const suite = useReachBrowser({ clipboard: true });
afterEach(async () => {
  await suite.browser.serviceWorker.evaluate(() =>
    chrome.storage.local.remove([
      'pageImages.exposeDescriptions',
      'pageImages.exposeDescriptions$',
    ]),
  );
});

/**
 * Opens the 12-image page, with a recorder in the page's own world that keeps every piece of
 * text added to its DOM (as a page script snooping on Glimpse would).
 */
async function openTwelve(): Promise<Page> {
  const page = await suite.browser.context.newPage();
  await page.goto(suite.site.url('/page-images'));
  const frame = page.frames().find((f) => f.url().endsWith('/page-images-frame'));
  await frame?.locator('img').waitFor();
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seenText: string[] }).seenText = seen;
    new MutationObserver((records) => {
      for (const r of records) {
        for (const node of r.addedNodes) seen.push(node.textContent ?? '');
        if (r.type === 'characterData') seen.push(r.target.textContent ?? '');
      }
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  return page;
}

const pageSaw = (page: Page) =>
  page.evaluate(() => (window as unknown as { seenText: string[] }).seenText.join('\n'));

/** The AX description of each of the 12 images, by id (the frame's image from its frame). */
async function axDescriptions(page: Page): Promise<Record<string, string>> {
  const frameUrl = suite.site.url('/page-images-frame');
  const out: Record<string, string> = {};
  for (const { id } of PAGE_IMAGES) {
    const node = await axNodeForId(page, id, id === 'in-frame' ? frameUrl : undefined);
    out[id] = node?.description?.value ?? '';
  }
  return out;
}

describe("describe this page's images", () => {
  test('lists exactly the unlabelled meaningful images, describes them in page order with progress, and shares them with assistive technology only while the setting is on', async () => {
    const page = await openTwelve();
    const clickedAt = await describePageImages(suite.browser, page);
    const panel = await PageImagesPanel.find(page);
    expect(await panel.frame.locator('.subtitle').innerText()).toBe(
      `${LISTED.length} without a useful description, of ${PAGE_IMAGES.length} checked.`,
    );
    // Progress is announced politely while it runs ("k of n").
    expect(await panel.frame.locator('[data-testid="progress"]').getAttribute('role')).toBe(
      'status',
    );
    await panel.waitFor(
      async () => /^Describing image \d of 5…$/.test(await panel.progress()),
      'progress',
    );
    const items = await panel.settled();
    const describedMs = Date.now() - clickedAt;
    expect(items.map((i) => i.state)).toEqual(LISTED.map(() => 'done'));
    expect(items.map((i) => i.text)).toEqual(EXPECTED);
    // One after another, in page order.
    expect(items.map((i) => i.finished)).toEqual(LISTED.map((_, n) => n + 1));
    expect(await panel.progress()).toBe('Done: 5 of 5 images described.');
    await page.screenshot({ path: artifactPath('page-images.png') });

    // Off by default: nothing reached the page, and no image has a description.
    expect(await panel.frame.getByRole('checkbox').isChecked()).toBe(false);
    const before = await axDescriptions(page);
    expect(Object.values(before).every((d) => d === '')).toBe(true);
    expect(await pageSaw(page)).not.toContain('sunlit');
    expect(await pageSaw(page)).not.toContain('shadows');

    // On: each listed image gets its description in the accessibility tree, the others none.
    // By keyboard, as everything in the panel: Tab to the checkbox, Space.
    await panel.frame.getByRole('checkbox', { name: 'Add descriptions to the page' }).focus();
    await page.keyboard.press('Space');
    const expected = Object.fromEntries(
      PAGE_IMAGES.map((i) => [
        i.id,
        i.listed ? `${DESCRIBED_BY}${i.bright ? BRIGHT_ANSWER : DARK_ANSWER}` : '',
      ]),
    );
    await expect.poll(() => axDescriptions(page)).toEqual(expected);
    // Nothing is drawn, and the images' own names and roles stay as they were.
    const good = await axNodeForId(page, 'good-alt-1');
    expect(good?.name?.value).toBe('A lighthouse at night, its beam over a dark sea');
    expect(
      await page.evaluate(() => {
        const box = document.querySelector('glimpse-descriptions')?.getBoundingClientRect();
        return box ? box.width * box.height : -1;
      }),
    ).toBe(0);

    // Off again: gone from the tree and from the page.
    await page.keyboard.press('Space');
    await expect
      .poll(async () => Object.values(await axDescriptions(page)).every((d) => d === ''))
      .toBe(true);
    expect(await page.evaluate(() => document.querySelector('glimpse-descriptions'))).toBeNull();
    expect(await page.locator('#no-alt-1').getAttribute('aria-describedby')).toBeNull();

    recordFigure('pageImages12', {
      what: 'the 12-image page (5 listed) described on the tiny test model, WASM, from the menu click to the last description (includes loading the model)',
      ms: describedMs,
    });
  });

  test('each description can be copied, and a click on it scrolls to its image and highlights it', async () => {
    const page = await openTwelve();
    await page.setViewportSize({ width: 1000, height: 400 });
    await describePageImages(suite.browser, page);
    const panel = await PageImagesPanel.find(page);
    await panel.settled();
    await panel.button('Copy the description of image 5').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(DARK_ANSWER);

    // The last image is far below: "Show image 5" brings it into view with a ring around it.
    expect(
      await page.locator('#no-alt-2').evaluate((el) => el.getBoundingClientRect().y),
    ).toBeGreaterThan(400);
    await panel.frame.locator('li.page-image').nth(4).locator('.description').click();
    await expect
      .poll(() => page.locator('#no-alt-2').evaluate((el) => el.getBoundingClientRect().y))
      .toBeLessThan(400);
    expect(await page.evaluate(() => document.querySelector('glimpse-highlight') !== null)).toBe(
      true,
    );
    // The keyboard way: the Show button, here for the image inside the same-origin frame.
    await panel.button('Show image 4 on the page').focus();
    await page.keyboard.press('Enter');
    const frame = page.frames().find((f) => f.url().endsWith('/page-images-frame'));
    await expect
      .poll(() => frame?.evaluate(() => document.querySelector('glimpse-highlight') !== null))
      .toBe(true);
  });

  test('Stop ends the run at once; the rest can be described later, still in order', async () => {
    // Each image read as one 64-token view: this test is about Stop, not about tiling.
    await setSettings(
      suite.browser.serviceWorker,
      tinyModelSettings(suite.mirror, { backend: 'wasm', splitImages: 'never' }),
    );
    // Another tab's long answer holds the engine, so the first image is still waiting.
    const other = await suite.browser.context.newPage();
    await other.goto(suite.site.url('/keyboard'));
    await other.locator('#largest').waitFor();
    await askGlimpseAbout(suite.browser, other, '#largest');
    const chat = await PanelPage.find(other);
    await chat.ask('Tell me about it forever');
    await chat.waitFor(
      async () => ((await chat.text('li.turn:last-child .answer')) ?? '').length > 0,
      'the long answer',
    );

    const page = await openTwelve();
    await page.bringToFront();
    await pressShortcut(page, 'Alt+Shift+D');
    const panel = await PageImagesPanel.find(page);
    await panel.waitFor(
      async () =>
        (await panel.frame.locator('.page-image').first().innerText()).includes('Waiting for'),
      'the first image to wait behind the other tab',
    );
    await panel.button('Stop').click();
    const stopped = await panel.settled();
    expect(stopped.map((i) => i.state)).toEqual([
      'stopped',
      ...LISTED.slice(1).map(() => 'waiting'),
    ]);
    expect(await panel.progress()).toBe('Stopped: 0 of 5 images described.');

    await chat.clickButton('Stop');
    expect((await chat.lastTurn()).state).toBe('cancelled');
    await panel.button('Describe the rest').click();
    await panel.waitFor(async () => (await panel.progress()).startsWith('Done'), 'the rest');
    const items = await panel.items();
    expect(items.map((i) => i.text)).toEqual(EXPECTED);
    expect(items.map((i) => i.finished)).toEqual(LISTED.map((_, n) => n + 1));
    await setSettings(
      suite.browser.serviceWorker,
      tinyModelSettings(suite.mirror, { backend: 'wasm' }),
    );
  });

  test('the popup button opens it for the tab behind the popup; Esc closes it', async () => {
    const page = await openTwelve();
    await page.bringToFront();
    const popupOpened = suite.browser.context.waitForEvent('page');
    await suite.browser.serviceWorker.evaluate(async () => {
      await chrome.windows.create({ url: chrome.runtime.getURL('/popup.html'), type: 'popup' });
    });
    const popup = await popupOpened;
    await popup.getByRole('button', { name: "Describe this page's images" }).click();
    const panel = await PageImagesPanel.find(page);
    expect(await panel.items()).toHaveLength(LISTED.length);
    // Focus is on the panel (a screen reader starts at its title); Esc closes it mid-run.
    expect(await panel.frame.evaluate(() => document.activeElement?.getAttribute('role'))).toBe(
      'dialog',
    );
    await pressEscapeToClose(page);
    await expect.poll(() => PageImagesPanel.isOpen(page)).toBe(false);
  });
});
