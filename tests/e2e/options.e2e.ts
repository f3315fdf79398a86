/// <reference types="chrome" />
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ExtensionBrowser } from '../../scripts/lib/chromium';
import { BRIGHT_ANSWER, DARK_ANSWER, TINY_MODEL_ID } from '../fixtures/tiny-smolvlm/generate';
import { TINY_MODEL_DIR } from '../support/tiny-model';
import { artifactPath } from './harness/artifacts';
import { AskClient } from './harness/ask-client';
import { BRIGHT_PNG, DARK_PNG, dataUrl } from './harness/engine-env';
import { OptionsPage } from './harness/options-page';
import { PopupPage } from './harness/popup-page';
import { useExtensionBrowser } from './harness/suite';

const suite = useExtensionBrowser({ mirror: true });
let browser: ExtensionBrowser;

describe('options page and the popup status, in real Chromium', () => {
  test('mirror and backend set in Options; progress, readiness and measured speed reach the popup; cache can be deleted', async () => {
    browser = await suite.launch();
    const options = await OptionsPage.open(browser);
    await options.setCustomModel(TINY_MODEL_ID);
    await options.saved();
    await options.setMirror(suite.mirror.origin);
    expect(await options.page.getByTestId('backend-now').textContent()).toMatch(
      /WebGPU is available/,
    );

    // Slow the mirror so the download can be watched from the popup: about 6.5 s a file (each
    // about 650 KB, all at once), long enough for a popup opened on a busy machine.
    suite.mirror.throttle(100_000);
    const client = await AskClient.open(browser);
    await client.send({
      requestId: 'p1',
      question: 'What is this?',
      image: { kind: 'url', url: dataUrl(BRIGHT_PNG) },
    });
    const popup = await PopupPage.open(browser);
    const headline = popup.page.locator('.device-card .engine-headline');
    await headline.filter({ hasText: /Downloading .+: \d+%/ }).waitFor({ timeout: 20_000 });
    // One bar for the whole download and one per file, read in the same snapshot that sees the
    // file list (the download moves on, and ends, between two separate reads).
    const snapshot = await popup.page.waitForFunction(
      () => {
        const files = document.querySelectorAll('.device-card .engine-files li').length;
        if (files < 2) return null;
        return {
          overall: document.querySelectorAll(
            '.device-card progress[aria-label="Model download progress"]',
          ).length,
          files,
          fileBars: document.querySelectorAll('.device-card .engine-files progress').length,
        };
      },
      undefined,
      { timeout: 20_000 },
    );
    const bars = (await snapshot.jsonValue()) as {
      overall: number;
      files: number;
      fileBars: number;
    };
    // The wait above only returns once the list has two files or more.
    expect(bars.overall).toBe(1);
    expect(bars.fileBars).toBe(bars.files);
    await popup.page.screenshot({ path: artifactPath('popup-downloading.png'), fullPage: true });

    const result = await client.result('p1');
    expect(result.text).toBe(BRIGHT_ANSWER);
    await headline.filter({ hasText: /ready on WebGPU/ }).waitFor();
    await expect
      .poll(() => popup.page.getByTestId('measured').textContent())
      .toMatch(/Measured here: [\d.]+ tokens\/s · first token in \d+ ms · WebGPU/);
    await expect
      .poll(() => popup.page.locator('.device-card .fine-print').textContent())
      .toMatch(/Downloaded models: [\d.]+ (KB|MB)/);
    await popup.page.screenshot({ path: artifactPath('popup-device-ready.png'), fullPage: true });

    // WASM from Options applies to the next question.
    await options.chooseBackend(/Always WASM/);
    const wasm = await client.ask({
      requestId: 'p2',
      question: 'And this?',
      image: { kind: 'url', url: dataUrl(DARK_PNG) },
    });
    expect(wasm.text).toBe(DARK_ANSWER);
    expect(wasm.stats?.backend).toBe('wasm');

    await options.page.reload();
    await options.cacheList().filter({ hasText: TINY_MODEL_ID }).waitFor();
    expect(await options.page.getByTestId('cache-total').textContent()).toMatch(
      /Total: [1-9][\d.]* (KB|MB)/,
    );
    options.page.once('dialog', (dialog) => void dialog.accept());
    await options.page.getByRole('button', { name: 'Delete downloaded models' }).click();
    await options.cacheList().filter({ hasText: 'Nothing downloaded yet.' }).waitFor();
    await options.page.screenshot({ path: artifactPath('options.png'), fullPage: true });
  });

  test('a model folder imported from local files answers with no network at all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-import-'));
    const folder = join(dir, 'MySmolVLM');
    cpSync(TINY_MODEL_DIR, folder, { recursive: true });
    try {
      browser = await suite.launch();
      const options = await OptionsPage.open(browser);
      // A host that cannot answer: only the imported files can make this work.
      await options.setMirror('http://127.0.0.1:9/');
      const message = await options.importFolder(folder);
      expect(message).toMatch(
        /^Imported \d+ files as MySmolVLM\. Glimpse now uses it, fully offline\.$/,
      );
      expect(
        await options.page.getByRole('radio', { name: /MySmolVLM \(imported\)/ }).isChecked(),
      ).toBe(true);

      const client = await AskClient.open(browser);
      const result = await client.ask({
        requestId: 'i1',
        question: 'What is this?',
        image: { kind: 'url', url: dataUrl(DARK_PNG) },
      });
      expect(result.message).toBeUndefined();
      expect(result.text).toBe(DARK_ANSWER);
      expect(result.stats?.modelId).toBe('local/MySmolVLM');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an incomplete folder is refused with a sentence', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-import-'));
    const folder = join(dir, 'NotAModel');
    cpSync(join(TINY_MODEL_DIR, 'config.json'), join(folder, 'config.json'));
    try {
      browser = await suite.launch();
      const options = await OptionsPage.open(browser);
      const message = await options.importFolder(folder);
      expect(message).toMatch(
        /^This folder isn't a complete SmolVLM ONNX export: it has no preprocessor_config\.json/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
