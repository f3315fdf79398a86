import { writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { ExtensionBrowser } from '../../scripts/lib/chromium';
import { artifactPath } from './harness/artifacts';
import { PopupPage } from './harness/popup-page';
import { useExtensionBrowser } from './harness/suite';

const SMOL = 'SmolVLM2-2B';
const SKY = 'SkyPilot Research Agents';

const suite = useExtensionBrowser();
let browser: ExtensionBrowser;

describe('verdict popup in real Chromium', () => {
  test('shows both tools, derived panel figures, eight quotes and the split', async () => {
    browser = await suite.launch();
    const popup = await PopupPage.open(browser);

    await expect
      .poll(() => popup.page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Which one should you ship with?');
    expect(await popup.stat(SMOL, 'panel').textContent()).toBe('100%');
    expect(await popup.stat(SKY, 'panel').textContent()).toBe('50%');
    expect(await popup.stat(SMOL, 'community').textContent()).toBe('—');
    expect(await popup.stat(SKY, 'community').textContent()).toBe('—');
    expect(await popup.stat(SMOL, 'entry').textContent()).toBe('Free');
    expect(await popup.stat(SKY, 'entry').textContent()).toBe('Free');
    expect(await popup.quotes().count()).toBe(8);
    expect(await popup.quotes('smolvlm2-2b').locator('.verdict').allTextContents()).toEqual([
      'Ship',
      'Ship',
      'Ship',
      'Ship',
    ]);
    expect(
      await popup.quotes('skypilot-research-agents').locator('.verdict').allTextContents(),
    ).toEqual(['Ship', 'Skip', 'Ship', 'Skip']);
    expect(await popup.split('smolvlm2-2b').textContent()).toBe('4–0');
    expect(await popup.split('skypilot-research-agents').textContent()).toBe('2–2');
    await expect
      .poll(() => popup.page.locator('.pricing-read').textContent())
      .toContain('Both have a free entry.');

    // The description is collapsed until "more" is pressed.
    const more = popup.card(SMOL).getByRole('button', { name: /Show more of SmolVLM2-2B/ });
    expect(await more.getAttribute('aria-expanded')).toBe('false');
    await more.click();
    expect(
      await popup
        .card(SMOL)
        .getByRole('button', { name: /Show less/ })
        .getAttribute('aria-expanded'),
    ).toBe('true');

    await popup.page.screenshot({ path: artifactPath('popup.png'), fullPage: true });

    // Render time is recorded, not asserted: the first open of a cold browser, then warm opens.
    const opens = [await popup.renderTimings()];
    for (let i = 0; i < 5; i++) {
      const again = await PopupPage.open(browser);
      opens.push(await again.renderTimings());
      await again.close();
    }
    expect(opens.every((o) => o.renderedMs > 0)).toBe(true);
    const warm = opens
      .slice(1)
      .map((o) => o.renderedMs)
      .sort((a, b) => a - b);
    writeFileSync(
      artifactPath('popup-render-time.json'),
      JSON.stringify({ coldOpen: opens[0], warmMedianRenderedMs: warm[2], opens }, null, 2),
    );
  });

  test('voting updates the badge and the tally; change and withdraw work', async () => {
    browser = await suite.launch();
    const popup = await PopupPage.open(browser);
    expect((await popup.badge()).text).toBe('');

    await popup.voteButton(SMOL).click();
    await expect.poll(() => popup.badge().then((b) => b.text)).toBe('VLM');
    await expect.poll(() => popup.stat(SMOL, 'community').textContent()).toBe('100%');
    expect(await popup.stat(SKY, 'community').textContent()).toBe('0%');
    expect(await popup.voteButton(SMOL).getAttribute('aria-pressed')).toBe('true');
    // The default build names no vote service: the popup says the count is this device's.
    expect(await popup.tallyNote.textContent()).toBe(
      'Community: 1 vote, counted on this device only: this build of Glimpse has no vote service. You can set one in Options.',
    );

    await popup.voteButton(SKY).click();
    await expect.poll(() => popup.badge().then((b) => b.text)).toBe('SKY');
    await expect.poll(() => popup.stat(SKY, 'community').textContent()).toBe('100%');
    expect(await popup.stat(SMOL, 'community').textContent()).toBe('0%');
    expect(await popup.tallyNote.textContent()).toContain('1 vote');

    await popup.withdrawButton.click();
    await expect.poll(() => popup.badge().then((b) => b.text)).toBe('');
    await expect.poll(() => popup.stat(SKY, 'community').textContent()).toBe('—');
    expect(await popup.tallyNote.textContent()).toContain('0 votes');
    await popup.page.screenshot({ path: artifactPath('popup-after-withdraw.png') });
  });

  test('the vote survives reopening the popup and restarting the browser', async () => {
    browser = await suite.launch();
    const profileDir = browser.profileDir;
    let popup = await PopupPage.open(browser);
    await popup.voteButton(SKY).click();
    await expect.poll(() => popup.badge().then((b) => b.text)).toBe('SKY');
    await popup.close();

    popup = await PopupPage.open(browser);
    expect(await popup.voteButton(SKY).getAttribute('aria-pressed')).toBe('true');
    await browser.close();

    const restarted = await suite.launch({ profileDir });
    try {
      popup = await PopupPage.open(restarted);
      expect(await popup.voteButton(SKY).getAttribute('aria-pressed')).toBe('true');
      expect(await popup.stat(SKY, 'community').textContent()).toBe('100%');
      await expect.poll(() => popup.badge().then((b) => b.text)).toBe('SKY');
    } finally {
      await restarted.close();
    }
  });

  test('keyboard-only voting works, with visible focus', async () => {
    browser = await suite.launch();
    const popup = await PopupPage.open(browser);
    const { page } = popup;

    // Tab until the SmolVLM2 vote button has focus, then press Enter.
    const target = `Ship with ${SMOL}`;
    let focused = '';
    for (let i = 0; i < 20 && focused !== target; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
    }
    expect(focused).toBe(target);
    const outline = await page.evaluate(
      () => getComputedStyle(document.activeElement as Element).outlineStyle,
    );
    expect(outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await expect.poll(() => popup.badge().then((b) => b.text)).toBe('VLM');

    // Space on the withdraw button, reached by Tab as well.
    for (let i = 0; i < 20 && focused !== 'Withdraw my vote'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
    }
    expect(focused).toBe('Withdraw my vote');
    await page.keyboard.press('Space');
    await expect.poll(() => popup.badge().then((b) => b.text)).toBe('');
  });
});
