import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type ExtensionBrowser, launchWithExtension } from '../../scripts/lib/chromium';
import { BRIGHT_ANSWER, DARK_ANSWER } from '../fixtures/tiny-smolvlm/generate';
import type { MirrorServer } from '../support/mirror-server';
import { artifactPath } from './harness/artifacts';
import { setSettings, startMirror, tinyModelSettings } from './harness/engine-env';
import { hostileRecord, makeHostile, PROBED_FILES } from './harness/hostile-page';
import { askGlimpseAbout, PanelPage } from './harness/panel-page';
import { IMAGES, startTestSite, type TestSite } from './harness/test-site';

let mirror: MirrorServer;
let site: TestSite;
let browser: ExtensionBrowser;
beforeAll(async () => {
  mirror = await startMirror();
  site = await startTestSite();
  browser = await launchWithExtension();
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

const QUESTION = 'Quokka zebra 7341, what is going on here?';
const KEYBOARD_EVENTS =
  /^(keydown|keyup|keypress|beforeinput|input|textInput|change|composition\w+|copy|cut|paste|select|submit)\|/;

async function hostilePage(path: string): Promise<Page> {
  const page = await browser.context.newPage();
  await makeHostile(page, browser.extensionId);
  await page.goto(site.url(path));
  await page.locator('#target').waitFor();
  return page;
}

describe('a hostile page sees nothing of the question or the answer', () => {
  test('it cannot tell Glimpse is installed, nor read what is typed or answered in the panel', async () => {
    const page = await hostilePage('/cross-origin');
    // Before any panel: the probes have settled, and nothing of Glimpse is in the page.
    await expect
      .poll(async () => Object.keys((await hostileRecord(page)).probes).length)
      .toBe(PROBED_FILES.length);
    const before = await hostileRecord(page);
    expect(Object.values(before.probes)).toEqual(PROBED_FILES.map(() => false));
    // The page's own parsing is all it saw change: nothing was added once it had loaded.
    expect(before.mutations.slice(before.mutationsAtLoad)).toEqual([]);
    expect(before.mutations.join('\n')).not.toMatch(/glimpse|chrome-extension/i);
    expect(before.strangeGlobals).toEqual([]);
    expect(before.snapshots.join('\n')).not.toMatch(/glimpse|chrome-extension/i);

    await askGlimpseAbout(browser, page);
    const panel = await PanelPage.find(page);
    expect(await panel.focused()).toBe('textarea#glimpse-question');
    // Real key input, typed into the focused frame, then Enter; the answer streams.
    await page.keyboard.type(QUESTION, { delay: 5 });
    await page.keyboard.press('Enter');
    expect(await panel.lastTurn()).toEqual({ state: 'done', answer: DARK_ANSWER, error: null });
    // Copy too: clipboard events stay in the frame.
    await panel.clickButton('Copy');

    const after = await hostileRecord(page);
    const opened = after.events.slice(before.events.length);
    expect(opened.filter((e) => KEYBOARD_EVENTS.test(e))).toEqual([]);
    const everything = JSON.stringify(after);
    for (const secret of [QUESTION, 'Quokka', 'zebra', '7341', DARK_ANSWER, 'night tones'])
      expect(everything).not.toContain(secret);
    // The page may see that focus went to the panel's host element, and nothing inside it.
    expect(new Set(after.focus)).toEqual(new Set(['body|', 'glimpse-image-chat|']));
    await page.screenshot({ path: artifactPath('panel-hostile-page.png') });
  });

  test('synthetic contextmenu and keys, and messages posted to the frame, start no request', async () => {
    const page = await hostilePage('/cross-origin');
    await askGlimpseAbout(browser, page);
    const panel = await PanelPage.find(page);
    const lastRun = () =>
      browser.serviceWorker.evaluate(
        async () => (await chrome.storage.local.get(null)) as Record<string, unknown>,
      );
    const storedBefore = JSON.stringify(await lastRun());
    await page.evaluate(() => {
      const image = document.getElementById('target');
      image?.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true }));
      const host = document.querySelector('glimpse-image-chat');
      for (const target of [host, document.activeElement, document, window]) {
        for (const key of ['D', 'Enter', 'Escape'])
          target?.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
      }
      for (let i = 0; i < window.frames.length; i++) {
        const frame = window.frames[i];
        for (const message of [
          { type: 'ask', requestId: 'r', conversationId: 'c', question: 'Describe' },
          { type: 'panel/close' },
          { type: 'chat/open', srcUrl: location.href, rect: null },
          'Describe',
        ])
          frame?.postMessage(message, '*');
      }
    });
    await new Promise((r) => setTimeout(r, 1000));
    expect(await panel.count('li.turn')).toBe(0);
    expect(await PanelPage.isOpen(page)).toBe(true);
    expect(await panel.focused()).toBe('textarea#glimpse-question');
    expect(JSON.stringify(await lastRun())).toBe(storedBefore);
  });
});

describe('the panel fits its content', () => {
  const cases: [string, string, { width: number; height: number } | undefined, string][] = [
    ['beside the image', '/cross-origin', undefined, DARK_ANSWER],
    ['docked on a narrow window', '/narrow', { width: 600, height: 800 }, BRIGHT_ANSWER],
  ];
  test.each(cases)(
    '%s: no control extends past the panel',
    async (_name, path, viewport, answer) => {
      const page = await browser.context.newPage();
      if (viewport) {
        await page.setViewportSize(viewport);
        await page.emulateMedia({ colorScheme: 'dark' });
      }
      await page.goto(site.url(path));
      await page.locator('#target').waitFor();
      await askGlimpseAbout(browser, page);
      const panel = await PanelPage.find(page);
      // A long line with no break, and a long word, must wrap inside the panel.
      await panel.ask(`${'Supercalifragilistic'.repeat(8)} ${'wordy '.repeat(30)}?`);
      expect((await panel.lastTurn()).answer).toBe(answer);
      const fit = await panel.frame.evaluate(() => {
        const section = document.querySelector('section.panel') as HTMLElement;
        const box = section.getBoundingClientRect();
        const controls = [...section.querySelectorAll('button, textarea, .question, .answer')].map(
          (el) => {
            const r = el.getBoundingClientRect();
            return { el: el.outerHTML.slice(0, 60), left: r.left, right: r.right };
          },
        );
        return {
          scrollWidth: section.scrollWidth,
          clientWidth: section.clientWidth,
          pageScrollWidth: document.documentElement.scrollWidth,
          pageClientWidth: document.documentElement.clientWidth,
          outside: controls.filter((c) => c.left < box.left - 0.5 || c.right > box.right + 0.5),
          controls: controls.length,
        };
      });
      expect(fit.controls).toBeGreaterThan(5);
      expect(fit.outside).toEqual([]);
      expect(fit.scrollWidth).toBeLessThanOrEqual(fit.clientWidth);
      expect(fit.pageScrollWidth).toBeLessThanOrEqual(fit.pageClientWidth);
      // And the frame itself is inside the window.
      const frameBox = await panel.box();
      const width = viewport?.width ?? 1280;
      expect(frameBox && frameBox.x >= 0 && frameBox.x + frameBox.width <= width + 0.5).toBe(true);
      await page.screenshot({
        path: artifactPath(`panel-fit-${viewport ? 'docked' : 'anchored'}.png`),
      });
    },
  );
});

describe('pages that restrict frames', () => {
  test('a page whose CSP forbids every frame and script still gets the panel, and it works', async () => {
    const page = await browser.context.newPage();
    const url = site.url('/strict-csp');
    // Routed pages are not on the loopback address space: the image comes inline.
    const imageUrl = `data:image/png;base64,${IMAGES.DARK.toString('base64')}`;
    await page.route(url, (route) =>
      route.fulfill({
        contentType: 'text/html',
        headers: {
          'Content-Security-Policy':
            "default-src 'none'; img-src data:; frame-src 'none'; child-src 'none'",
        },
        body: `<!doctype html><title>Strict</title><img id="target" src="${imageUrl}" alt="">`,
      }),
    );
    await page.goto(url);
    await page.locator('#target').waitFor();
    await askGlimpseAbout(browser, page);
    const panel = await PanelPage.find(page);
    await panel.ask('What is this?');
    expect(await panel.lastTurn()).toEqual({ state: 'done', answer: DARK_ANSWER, error: null });
  });
});

/**
 * Chrome's side panel is a page target Playwright does not attach to: the test attaches to it
 * through the browser's CDP session, reads its DOM and sends it real key input.
 */
async function attachToSidePanel(): Promise<(method: string, params?: object) => Promise<unknown>> {
  const cdp = await browser.context.browser()?.newBrowserCDPSession();
  if (!cdp) throw new Error('no browser CDP session');
  let target: { targetId: string } | undefined;
  for (let i = 0; i < 100 && !target; i++) {
    const { targetInfos } = (await cdp.send('Target.getTargets')) as {
      targetInfos: { targetId: string; url: string }[];
    };
    target = targetInfos.find((t) => t.url.includes('/sidepanel.html'));
    if (!target) await new Promise((r) => setTimeout(r, 100));
  }
  if (!target) throw new Error('the side panel did not open');
  const { sessionId } = (await cdp.send('Target.attachToTarget', {
    targetId: target.targetId,
    flatten: false,
  })) as { sessionId: string };
  let serial = 0;
  const pending = new Map<number, (reply: { result?: unknown; error?: unknown }) => void>();
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    if (event.sessionId !== sessionId) return;
    const reply = JSON.parse(event.message) as { id?: number; result?: unknown; error?: unknown };
    if (reply.id !== undefined) pending.get(reply.id)?.(reply);
  });
  return (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = ++serial;
      pending.set(id, (reply) =>
        reply.error ? reject(new Error(JSON.stringify(reply.error))) : resolve(reply.result),
      );
      void cdp.send('Target.sendMessageToTarget', {
        sessionId,
        message: JSON.stringify({ id, method, params }),
      });
    });
}

describe('Continue in side panel', () => {
  test('moves the conversation, history and engine state, into the side panel', async () => {
    const page = await browser.context.newPage();
    await page.goto(site.url('/cross-origin'));
    await page.locator('#target').waitFor();
    await askGlimpseAbout(browser, page);
    const panel = await PanelPage.find(page);
    await panel.ask('What is this?');
    expect((await panel.lastTurn()).answer).toBe(DARK_ANSWER);
    await panel.clickButton('Continue in side panel');
    await expect.poll(() => PanelPage.isOpen(page)).toBe(false);

    const send = await attachToSidePanel();
    const read = async <T>(expression: string): Promise<T> =>
      (
        (await send('Runtime.evaluate', { expression, returnByValue: true })) as {
          result: { value: T };
        }
      ).result.value;
    await expect
      .poll(() => read<number>("document.querySelectorAll('li.turn').length"), { timeout: 15_000 })
      .toBe(1);
    expect(await read<string>("document.querySelector('li.turn .answer').innerText.trim()")).toBe(
      DARK_ANSWER,
    );
    expect(await read<number>("document.querySelectorAll('ol.recent li').length")).toBe(1);
    // A follow-up typed in the side panel (real key input) reuses the same engine conversation.
    await read("document.querySelector('textarea').focus()");
    await send('Input.insertText', { text: 'Are you sure?' });
    for (const type of ['keyDown', 'keyUp'])
      await send('Input.dispatchKeyEvent', {
        type,
        key: 'Enter',
        code: 'Enter',
        windowsVirtualKeyCode: 13,
        ...(type === 'keyDown' ? { text: '\r' } : {}),
      });
    await expect
      .poll(
        () =>
          read<string | null>(
            "document.querySelector('li.turn:nth-child(2)')?.dataset.state ?? null",
          ),
        {
          timeout: 30_000,
        },
      )
      .toBe('done');
    const second = await read<Record<string, string>>(
      "({ ...document.querySelector('li.turn:nth-child(2)').dataset, answer: document.querySelector('li.turn:nth-child(2) .answer').innerText.trim() })",
    );
    expect(second).toMatchObject({ reusedCache: 'true', imageTokens: '0', answer: DARK_ANSWER });
  });
});
