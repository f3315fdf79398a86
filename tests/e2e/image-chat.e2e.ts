import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type ExtensionBrowser, launchWithExtension } from '../../scripts/lib/chromium';
import { IMAGE_ERRORS } from '../../src/vlm/image-acquire';
import { BRIGHT_ANSWER, DARK_ANSWER, HOSTILE_ANSWER } from '../fixtures/tiny-smolvlm/generate';
import type { MirrorServer } from '../support/mirror-server';
import { artifactPath } from './harness/artifacts';
import { setSettings, startMirror, tinyModelSettings } from './harness/engine-env';
import { recordFigure } from './harness/figures';
import { askGlimpseAbout, PanelPage } from './harness/panel-page';
import { pressEscapeToClose } from './harness/shortcut';
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
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: site.pages.origin,
  });
});
afterAll(async () => {
  await browser.dispose();
  await site.close();
  await mirror.stop();
});
afterEach(async () => {
  for (const page of browser.context.pages().slice(1)) await page.close();
});

async function openPage(path: string, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await browser.context.newPage();
  if (viewport) {
    await page.setViewportSize(viewport);
    // Narrow windows are often phones and tablets in dark mode: check both at once.
    await page.emulateMedia({ colorScheme: 'dark' });
  }
  await page.goto(site.url(path));
  return page;
}

async function openPanel(path: string, viewport?: { width: number; height: number }) {
  const page = await openPage(path, viewport);
  const frame = path === '/iframe' ? page.frames().find((f) => f !== page.mainFrame()) : undefined;
  await (frame ?? page).locator('#target').waitFor();
  await askGlimpseAbout(browser, page, '#target', frame);
  return { page, panel: await PanelPage.find(page) };
}

describe('right-click an image and ask', () => {
  test('a cross-origin image without CORS: the panel opens beside it and streams the exact answer', async () => {
    const { page, panel } = await openPanel('/cross-origin');
    expect(panel.shadowRootType).toBe('closed');
    expect(await panel.focused()).toBe('textarea#glimpse-question');
    const image = await page.locator('#target').boundingBox();
    const box = await panel.box();
    expect(await panel.placement()).toBe('anchored');
    if (!image || !box) throw new Error('no boxes');
    expect(box.x).toBeGreaterThanOrEqual(image.x + image.width);
    expect(box.x - (image.x + image.width)).toBeLessThan(40);
    expect(Math.abs(box.y - image.y)).toBeLessThan(40);
    await panel.ask('What is in this picture?');
    expect(await panel.lastTurn()).toEqual({ state: 'done', answer: DARK_ANSWER, error: null });
    await page.screenshot({ path: artifactPath('panel-answer.png') });
  });

  const kinds: [string, string, string][] = [
    ['data: URL', '/data-url', DARK_ANSWER],
    ['blob: URL (read by the page)', '/blob', BRIGHT_ANSWER],
    ['srcset (the source shown)', '/srcset', DARK_ANSWER],
    ['<picture> (the source shown)', '/picture', DARK_ANSWER],
    ['SVG, rasterised', '/svg', BRIGHT_ANSWER],
    ['animated GIF, first frame', '/gif', BRIGHT_ANSWER],
    ['6000×4000 image, downscaled', '/huge', DARK_ANSWER],
    ['8×8 image', '/tiny', BRIGHT_ANSWER],
    ['image in a cross-origin iframe', '/iframe', BRIGHT_ANSWER],
    ['image inside a link', '/link', DARK_ANSWER],
  ];
  test.each(kinds)('%s', async (_name, path, expected) => {
    const { panel } = await openPanel(path);
    await panel.ask('What is this?');
    expect(await panel.lastTurn()).toEqual({ state: 'done', answer: expected, error: null });
  });

  test('broken images give their sentence, and the next good image still works', async () => {
    const cases: [string, string][] = [
      ['/404', IMAGE_ERRORS.httpStatus(404)],
      ['/not-image', IMAGE_ERRORS.notImage],
      ['/truncated', IMAGE_ERRORS.damaged],
    ];
    for (const [path, sentence] of cases) {
      const { page, panel } = await openPanel(path);
      await panel.ask('What is this?');
      expect(await panel.lastTurn()).toEqual({ state: 'error', answer: '', error: sentence });
      if (path === '/truncated') await page.screenshot({ path: artifactPath('panel-error.png') });
      await page.close();
    }
    const { panel } = await openPanel('/cross-origin');
    await panel.ask('And this one?');
    expect((await panel.lastTurn()).answer).toBe(DARK_ANSWER);
  });

  test('when the model cannot download, the panel offers Try again and the settings page', async () => {
    const { page, panel } = await openPanel('/cross-origin');
    await setSettings(browser.serviceWorker, { remoteHost: 'http://127.0.0.1:9/' });
    try {
      await panel.clickButton('Describe');
      const failed = await panel.lastTurn();
      expect(failed.error).toBe(
        "Couldn't download the model from 127.0.0.1:9. Check your connection, or set a mirror or import the files in Options.",
      );
      const optionsOpened = browser.context.waitForEvent('page');
      await panel.clickButton('Open Glimpse settings');
      expect((await optionsOpened).url()).toBe(
        `chrome-extension://${browser.extensionId}/options.html`,
      );
      await page.bringToFront();
    } finally {
      await setSettings(browser.serviceWorker, tinyModelSettings(mirror, { backend: 'wasm' }));
    }
    await panel.clickButton('Try again');
    expect(await panel.lastTurn()).toEqual({ state: 'done', answer: DARK_ANSWER, error: null });
    expect(await panel.count('li.turn')).toBe(2);
  });

  test('a follow-up reuses the conversation: far fewer prompt tokens than one image, same image', async () => {
    const { panel } = await openPanel('/cross-origin');
    await panel.clickButton('Describe');
    const first = await panel.lastTurn();
    expect(first.answer).toBe(DARK_ANSWER);
    expect(await panel.text('li.turn:first-child .question')).toMatch(/Describe$/);
    await panel.ask('Are you sure about that?');
    expect((await panel.lastTurn()).answer).toBe(DARK_ANSWER);
    const [a, b] = [await panel.turnStats(0), await panel.turnStats(1)];
    expect(a.reusedCache).toBe(false);
    expect(a.imageTokens).toBeGreaterThanOrEqual(64);
    expect(b.reusedCache).toBe(true);
    expect(b.imageTokens).toBe(0);
    expect(b.promptTokens).toBeLessThan(a.imageTokens);
    expect(await panel.text('li.turn:last-child .stats')).toMatch(/image reused, not re-read/);
  });

  test('Stop ends a long answer within a token; then a follow-up still works', async () => {
    const { panel } = await openPanel('/cross-origin');
    await panel.ask('Tell me about it forever');
    await panel.waitFor(
      async () => ((await panel.text('li.turn:last-child .answer')) ?? '').length > 0,
      'streaming',
    );
    await panel.clickButton('Stop');
    const stopped = await panel.lastTurn();
    expect(stopped.state).toBe('cancelled');
    expect(stopped.answer.startsWith('Mostly dark shadows')).toBe(true);
    expect(await panel.text('li.turn:last-child .note')).toBe('Stopped.');
    await panel.ask('Thanks. What is it again?');
    // Still about the same image. "forever" is still in the conversation, so it runs on again:
    // once it has said what the image is, Stop it too (running it to its token limit only costs
    // the suite time).
    await panel.waitFor(
      async () => ((await panel.text('li.turn:last-child .answer')) ?? '').startsWith(DARK_ANSWER),
      'the follow-up about the same image',
    );
    await panel.clickButton('Stop');
    const followUp = await panel.lastTurn();
    expect(followUp.state).toBe('cancelled');
    expect(followUp.answer.startsWith(DARK_ANSWER)).toBe(true);
  });

  test('Copy puts the answer on the clipboard', async () => {
    const { page, panel } = await openPanel('/tiny');
    await panel.ask('What is this?');
    await panel.lastTurn();
    await panel.clickButton('Copy');
    await panel.waitFor(
      async () => (await panel.text('li.turn:last-child .turn-actions button')) === 'Copied',
      'Copied',
    );
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(BRIGHT_ANSWER);
  });

  test('Esc closes the panel and gives focus back to the page', async () => {
    const { page, panel } = await openPanel('/link');
    expect(await panel.focused()).toBe('textarea#glimpse-question');
    await pressEscapeToClose(page);
    await expect.poll(() => PanelPage.isOpen(page)).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('link');
  });

  test('Tab order: the panel sits right after its image, both ways, with its focus rings', async () => {
    const { page, panel } = await openPanel('/link');
    const pageFocus = () =>
      page.evaluate(() => document.activeElement?.id || document.activeElement?.localName);
    /**
     * Where focus rests: the page's element, and inside the panel which element by document
     * order. Null while focus is crossing between the page and the panel's frame: that frame is
     * out of process, so a key press can return before focus has landed (the page shows its body,
     * or the panel's host before the frame has focus), and the next press would then go to the
     * wrong place. Every stop this test expects is an element, never the body.
     */
    const focusStop = async (): Promise<string | null> => {
      const onPage = await pageFocus();
      if (onPage === 'body') return null;
      if (onPage !== 'glimpse-image-chat') return onPage ?? null;
      const inPanel = await panel.frame.evaluate(() =>
        document.hasFocus() && document.activeElement
          ? [...document.querySelectorAll('*')].indexOf(document.activeElement)
          : -1,
      );
      return inPanel < 0 ? null : `panel:${inPanel}`;
    };
    /** One key press, then waits until focus has come to rest somewhere new. */
    const press = async (key: 'Tab' | 'Shift+Tab') => {
      const before = await focusStop();
      await page.keyboard.press(key);
      await expect
        .poll(focusStop, { timeout: 5_000 })
        .toSatisfy((stop: string | null) => stop !== null && stop !== before);
    };
    /** Presses the key until focus leaves the panel (at most 30 times). */
    const pressOutOfPanel = async (key: 'Tab' | 'Shift+Tab') => {
      for (let presses = 0; (await pageFocus()) === 'glimpse-image-chat' && presses < 30; presses++)
        await press(key);
    };
    const panelShowsFocusRing = () =>
      panel.frame.evaluate(() => document.activeElement?.matches(':focus-visible'));
    // Forward through the panel's controls and out: the page's next stop after the image's link.
    await pressOutOfPanel('Tab');
    expect(await pageFocus()).toBe('after');
    // Back in from after it: the panel's last control, with its focus ring.
    await press('Shift+Tab');
    expect(await pageFocus()).toBe('glimpse-image-chat');
    const last = await panel.focused();
    expect(last).not.toBe('body');
    expect(await panelShowsFocusRing()).toBe(true);
    // Backward all the way out: the image's link, which comes right before the panel.
    await pressOutOfPanel('Shift+Tab');
    expect(await pageFocus()).toBe('link');
    // And Tab from the link enters the panel at its first control, not the last one.
    await press('Tab');
    expect(await pageFocus()).toBe('glimpse-image-chat');
    expect(await panel.focused()).not.toBe(last);
    expect(await panelShowsFocusRing()).toBe(true);
    // The page's own order is untouched: out of the panel backward, then "Before" before the link.
    await pressOutOfPanel('Shift+Tab');
    await press('Shift+Tab');
    expect(await pageFocus()).toBe('before');
  });

  test('model output is untrusted: HTML in an answer shows as text, markdown still renders', async () => {
    const { page, panel } = await openPanel('/cross-origin');
    let dialogs = 0;
    page.on('dialog', (dialog) => {
      dialogs++;
      void dialog.dismiss();
    });
    await panel.ask('Show me the markup');
    const turn = await panel.lastTurn();
    expect(turn.state).toBe('done');
    expect(turn.answer).toBe('Here is <img src=x onerror=alert(1)> and bold text.');
    expect(HOSTILE_ANSWER).toContain('**bold**');
    expect(await panel.count('li.turn .answer img')).toBe(0);
    expect(await panel.text('li.turn .answer strong')).toBe('bold');
    expect(dialogs).toBe(0);
  });

  test('a page script cannot open the panel, read it, or drive it', async () => {
    const page = await openPage('/cross-origin');
    const attempt = await page.evaluate(async (extensionId) => {
      const tries: string[] = [];
      window.postMessage(
        { type: 'chat/open', srcUrl: location.href, image: null, alt: '', rect: null },
        '*',
      );
      document
        .getElementById('target')
        ?.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true }));
      const chromeApi = (window as unknown as { chrome?: { runtime?: { sendMessage?: unknown } } })
        .chrome;
      tries.push(typeof chromeApi?.runtime?.sendMessage);
      try {
        (chromeApi?.runtime?.sendMessage as (id: string, m: unknown) => void)?.(extensionId, {
          type: 'votes/cast',
          choice: 'smolvlm2-2b',
        });
      } catch (error) {
        tries.push(String(error));
      }
      await new Promise((r) => setTimeout(r, 500));
      return tries;
    }, browser.extensionId);
    expect(attempt[0]).toBe('undefined');
    expect(await PanelPage.isOpen(page)).toBe(false);

    // With a panel open, the page cannot see inside it or make it ask.
    await askGlimpseAbout(browser, page);
    const panel = await PanelPage.find(page);
    const result = await page.evaluate(() => {
      const host = document.querySelector('glimpse-image-chat');
      host?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      host?.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      // The panel is another origin's frame: the page may post to it, never read it.
      let frameDocument = 'unreadable';
      for (let i = 0; i < window.frames.length; i++) {
        window.frames[i]?.postMessage({ type: 'ask', question: 'Describe' }, '*');
        try {
          frameDocument = window.frames[i]?.document.body.innerHTML ?? 'empty';
        } catch {}
      }
      return { hostFound: host !== null, shadowRoot: host?.shadowRoot ?? null, frameDocument };
    });
    expect(result).toEqual({ hostFound: true, shadowRoot: null, frameDocument: 'unreadable' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await panel.count('li.turn')).toBe(0);
    const votes = await browser.serviceWorker.evaluate(
      async () => (await chrome.storage.local.get('votes')).votes ?? null,
    );
    expect(votes).toBeNull();
  });

  test('on a narrow window the panel docks to the side', async () => {
    const { page, panel } = await openPanel('/narrow', { width: 600, height: 800 });
    expect(await panel.placement()).toBe('docked');
    const box = await panel.box();
    expect(box?.x).toBeGreaterThanOrEqual(600 - 381);
    await panel.ask('What is this?');
    expect((await panel.lastTurn()).answer).toBe(BRIGHT_ANSWER);
    await page.screenshot({ path: artifactPath('panel-docked.png') });
  });

  test('one panel per tab: asking about another image replaces it', async () => {
    const { page } = await openPanel('/cross-origin');
    await page.evaluate(() => {
      const extra = document.createElement('img');
      extra.id = 'second';
      extra.src = (document.getElementById('target') as HTMLImageElement).src;
      document.body.append(extra);
    });
    await askGlimpseAbout(browser, page, '#second');
    await PanelPage.find(page);
    expect(await page.locator('glimpse-image-chat').count()).toBe(1);
  });

  test('first-question and follow-up time to first token (recorded)', async () => {
    const { panel } = await openPanel('/cross-origin');
    await panel.ask('What is this?');
    await panel.lastTurn();
    await panel.ask('Anything else?');
    await panel.lastTurn();
    const ttft = async (i: number) => {
      const stats = (await panel.text(`li.turn:nth-child(${i + 1}) .stats`)) ?? '';
      return Number(/first word after (\d+) ms/.exec(stats)?.[1] ?? Number.NaN);
    };
    recordFigure('panel-wasm', {
      firstQuestionTtftMs: await ttft(0),
      followUpTtftMs: await ttft(1),
      firstPromptTokens: (await panel.turnStats(0)).promptTokens,
      followUpPromptTokens: (await panel.turnStats(1)).promptTokens,
    });
    expect(await ttft(1)).toBeGreaterThanOrEqual(0);
  });
});
