/// <reference types="chrome" />
import { afterEach, describe, expect, test } from 'vitest';
import { QUICK_ACTIONS } from '../../src/chat/prompts';
import { DEFAULT_MODEL_ID } from '../../src/vlm/model-registry';
import { DARK_ANSWER } from '../fixtures/tiny-smolvlm/generate';
import { artifactPath } from './harness/artifacts';
import { fullAxTree, textUnder } from './harness/ax-tree';
import { setSettings, tinyModelSettings } from './harness/engine-env';
import { recordFigure } from './harness/figures';
import { checkLanguageAndFit } from './harness/language-check';
import { describeImagesOf } from './harness/page-images-panel';
import { askGlimpseAbout, PanelPage } from './harness/panel-page';
import { PopupPage } from './harness/popup-page';
import { useReachBrowser } from './harness/reach-suite';
import { pressShortcut } from './harness/shortcut';

/**
 * Glimpse in German. Headless Chromium takes the extension's language from --lang (measured on
 * Chromium 156: the LANGUAGE environment variable and Playwright's `locale` change neither the
 * extension's messages nor chrome.i18n.getUILanguage(), which stays "en-US" even with --lang=de;
 * the messages follow --lang, which is why Glimpse reads its language from its messages).
 */
const suite = useReachBrowser({ extraArgs: ['--lang=de'] });
afterEach(async () => {
  await setSettings(
    suite.browser.serviceWorker,
    tinyModelSettings(suite.mirror, { backend: 'wasm' }),
  );
});

const fits = { outside: [], clipped: [], rootScrollsSideways: false, english: [], lang: 'de' };

describe('the UI in German', () => {
  test('the manifest, the shortcuts and the menu speak German', async () => {
    const seen = await suite.browser.serviceWorker.evaluate(async () => ({
      description: chrome.runtime.getManifest().description,
      commands: (await chrome.commands.getAll()).map((c) => c.description),
      menu: [chrome.i18n.getMessage('menu_askImage'), chrome.i18n.getMessage('menu_describePage')],
    }));
    expect(seen).toEqual({
      description:
        'Fragen Sie jedes Bild im Web. Die Antworten kommen von SmolVLM2, direkt auf Ihrem Gerät.',
      commands: expect.arrayContaining([
        'Glimpse nach dem Bild fragen, bei dem Sie sind',
        'Die Bilder dieser Seite beschreiben',
      ]),
      menu: ['Glimpse nach diesem Bild fragen', 'Die Bilder dieser Seite mit Glimpse beschreiben'],
    });
  });

  test('the popup: German throughout, numbers by Intl, nothing out of its box', async () => {
    const popup = await PopupPage.open(suite.browser);
    const { page } = popup;
    expect(await popup.stat('SmolVLM2-2B', 'panel').textContent()).toBe('100\u00a0%');
    expect(await page.getByRole('heading', { name: 'Ihre Stimme' }).count()).toBe(1);
    expect(await checkLanguageAndFit(page, 'main.popup')).toMatchObject(fits);
    await page.screenshot({ path: artifactPath('locale-de-popup.png'), fullPage: true });
  });

  test('the chat panel: German, the quick action asks for a German answer, and it fits', async () => {
    const page = await suite.browser.context.newPage();
    await page.goto(suite.site.url('/keyboard'));
    await page.locator('#largest').waitFor();
    await askGlimpseAbout(suite.browser, page, '#largest');
    let panel = await PanelPage.find(page);
    expect(await panel.text('h2')).toBe('Glimpse nach diesem Bild fragen');
    await panel.clickButton('Beschreiben');
    const quick = await panel.lastTurn();
    // The tiny test model's answer is canned (English, whatever it is asked): what can be
    // measured is the prompt that reached the engine.
    expect(quick).toEqual({ state: 'done', answer: DARK_ANSWER, error: null });
    const quickTokens = (await panel.turnStats(0)).promptTokens;
    expect(await panel.text('li.turn .stats')).toMatch(/^\d+,\d s · /);
    expect(await checkLanguageAndFit(panel.frame, 'section.panel')).toMatchObject(fits);
    await page.screenshot({ path: artifactPath('locale-de-panel.png') });

    // The same prompt typed in by hand goes as typed: the quick action's is longer by its
    // "Answer in German." (the first turn of each conversation, on the same image).
    await panel.clickButton('Glimpse schließen (Esc)');
    await expect.poll(() => PanelPage.isOpen(page)).toBe(false);
    await askGlimpseAbout(suite.browser, page, '#largest');
    panel = await PanelPage.find(page);
    const describe = QUICK_ACTIONS.find((a) => a.id === 'describe')?.prompt ?? '';
    await panel.frame.locator('textarea').fill(describe);
    await panel.frame.locator('textarea').press('Enter');
    expect((await panel.lastTurn()).answer).toBe(DARK_ANSWER);
    const typedTokens = (await panel.turnStats(0)).promptTokens;
    expect(quickTokens).toBeGreaterThan(typedTokens);
    recordFigure('answerLanguagePrompt', {
      what: 'prompt tokens of the Describe quick action on the tiny test model (a custom model, so asked for the UI language), German UI vs the same English prompt typed in',
      quickActionGerman: quickTokens,
      typedEnglish: typedTokens,
      suffix: ' Answer in German.',
    });
  });

  test('a model that writes English only: the panel says answers are in English', async () => {
    await setSettings(suite.browser.serviceWorker, { modelId: DEFAULT_MODEL_ID });
    const page = await suite.browser.context.newPage();
    await page.goto(suite.site.url('/keyboard'));
    await page.locator('#largest').waitFor();
    await askGlimpseAbout(suite.browser, page, '#largest');
    const panel = await PanelPage.find(page);
    expect(await panel.text('[data-testid="english-only"]')).toBe(
      'SmolVLM2 256M schreibt nur Englisch, darum antwortet es auf Englisch.',
    );
  });

  test('the page-images panel and the no-image notice', async () => {
    const { page, panel } = await describeImagesOf(suite.browser, suite.site.url('/page-images'));
    expect(await panel.progress()).toBe('Fertig: 5 von 5 Bildern beschrieben.');
    expect(await panel.frame.locator('.subtitle').innerText()).toBe(
      '5 ohne brauchbare Beschreibung, von 12 geprüften.',
    );
    expect(await checkLanguageAndFit(panel.frame, 'section.panel')).toMatchObject(fits);
    await page.screenshot({ path: artifactPath('locale-de-page-images.png') });

    const empty = await suite.browser.context.newPage();
    await empty.goto(suite.site.url('/no-images'));
    await empty.locator('#button').focus();
    await pressShortcut(empty, 'Alt+Shift+G');
    await expect
      .poll(async () => {
        const nodes = await fullAxTree(empty);
        const alert = nodes.find((n) => n.role?.value === 'alert');
        return alert ? textUnder(nodes, alert) : null;
      })
      .toBe(
        'Glimpse hat hier kein Bild gefunden. Setzen Sie den Fokus auf ein Bild oder zeigen Sie darauf und versuchen Sie es erneut.',
      );
  });

  test('Options', async () => {
    const page = await suite.browser.context.newPage();
    await page.goto(`chrome-extension://${suite.browser.extensionId}/options.html`);
    await page.getByRole('heading', { name: 'Glimpse-Einstellungen' }).waitFor();
    expect(await checkLanguageAndFit(page, 'main.options')).toMatchObject(fits);
    await page.screenshot({ path: artifactPath('locale-de-options.png'), fullPage: true });
  });
});
