/// <reference types="chrome" />
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ExtensionBrowser } from '../../scripts/lib/chromium';
import { serveResources } from '../../scripts/lib/static-server';
import { MAX_WASM_THREADS } from '../../src/vlm/backend';
import { BRIGHT_ANSWER, DARK_ANSWER, TINY_MODEL_ID } from '../fixtures/tiny-smolvlm/generate';
import { AskClient, startEndlessAnswer } from './harness/ask-client';
import {
  BRIGHT_PNG,
  DARK_PNG,
  dataUrl,
  offscreenDocuments,
  setSettings,
  tinyModelSettings,
} from './harness/engine-env';
import { recordFigure } from './harness/figures';
import { BROWSER_INITIATOR, loggedRequests } from './harness/netlog';
import { useExtensionBrowser } from './harness/suite';

const brightImage = { kind: 'url' as const, url: dataUrl(BRIGHT_PNG) };
const darkImage = { kind: 'url' as const, url: dataUrl(DARK_PNG) };

const suite = useExtensionBrowser({ mirror: true });
let browser: ExtensionBrowser;

async function cachedModelFiles(client: AskClient): Promise<string[]> {
  return client.page.evaluate(async () => {
    const cache = await caches.open('transformers-cache');
    return (await cache.keys()).map((r) => new URL(r.url).pathname);
  });
}

describe('on-device engine in real Chromium', () => {
  test('first ask downloads with progress and answers exactly on WebGPU; then offline from the cache', async () => {
    browser = await suite.launch();
    const profileDir = browser.profileDir;
    await setSettings(browser.serviceWorker, tinyModelSettings(suite.mirror));
    let client = await AskClient.open(browser);
    const first = await client.ask({
      requestId: 'q1',
      question: 'What is this?',
      image: brightImage,
    });
    expect(first.message).toBeUndefined();
    expect(first.text).toBe(BRIGHT_ANSWER);
    expect(first.stats).toMatchObject({
      backend: 'webgpu',
      modelId: TINY_MODEL_ID,
      reusedCache: false,
    });
    const downloads = first.statuses.filter((s) => s.state === 'downloading');
    expect(downloads.length).toBeGreaterThan(0);
    expect(first.statuses.at(-1)).toMatchObject({ state: 'ready', backend: 'webgpu' });
    const dark = await client.ask({ requestId: 'q2', question: 'What is this?', image: darkImage });
    expect(dark.text).toBe(DARK_ANSWER);
    expect(first.stats?.loadMs).toBeGreaterThan(0);
    expect(dark.stats?.loadMs).toBe(0);
    recordFigure('webgpu', {
      coldLoadMs: first.stats?.loadMs,
      ttftMs: dark.stats?.ttftMs,
      tokensPerSecond: dark.stats?.tokensPerSecond,
      imageTokens: dark.stats?.imageTokens,
    });
    const cached = await cachedModelFiles(client);
    expect(cached.some((p) => p.includes('decoder_model_merged'))).toBe(true);
    await browser.close();

    // No mirror any more: the same profile must load from its cache and answer offline.
    await suite.mirror.stop();
    try {
      browser = await suite.launch({ profileDir });
      client = await AskClient.open(browser);
      const offline = await client.ask({
        requestId: 'q3',
        question: 'What is this?',
        image: darkImage,
      });
      expect(offline.message).toBeUndefined();
      expect(offline.text).toBe(DARK_ANSWER);
      recordFigure('webgpuWarmLoadMs', offline.stats?.loadMs ?? -1);
      // Read from the cache, nothing is a download: no "Downloading…" status at all, although
      // transformers.js reports read progress for cached files too.
      expect(offline.statuses.some((s) => s.state === 'downloading')).toBe(false);
    } finally {
      await suite.restartMirror();
    }
  });

  test('forced WASM answers exactly too', async () => {
    browser = await suite.launch();
    await setSettings(browser.serviceWorker, tinyModelSettings(suite.mirror, { backend: 'wasm' }));
    const client = await AskClient.open(browser);
    const result = await client.ask({ requestId: 'w1', question: 'Describe it', image: darkImage });
    expect(result.message).toBeUndefined();
    expect(result.text).toBe(DARK_ANSWER);
    expect(result.stats?.backend).toBe('wasm');
    // The manifest's COOP/COEP make the offscreen page cross-origin isolated: ORT gets every core.
    const cores = await client.page.evaluate(() => navigator.hardwareConcurrency);
    expect(result.stats?.threads).toBe(Math.min(cores, MAX_WASM_THREADS));
    const second = await client.ask({ requestId: 'w2', question: 'Again?', image: darkImage });
    recordFigure('wasm', {
      coldLoadMs: result.stats?.loadMs,
      ttftMs: second.stats?.ttftMs,
      tokensPerSecond: second.stats?.tokensPerSecond,
      imageTokens: second.stats?.imageTokens,
    });
    expect(result.statuses.at(-1)).toMatchObject({
      state: 'ready',
      backend: 'wasm',
      backendReason: `WASM was chosen in Options. It runs on ${Math.min(cores, MAX_WASM_THREADS)} CPU threads.`,
    });
  });

  test('a connection cut half-way gives a sentence, caches nothing partial, and a retry succeeds', async () => {
    browser = await suite.launch();
    await setSettings(browser.serviceWorker, tinyModelSettings(suite.mirror));
    suite.mirror.cutAfter('decoder_model_merged', 0.5);
    const client = await AskClient.open(browser);
    const failed = await client.ask({
      requestId: 'c1',
      question: 'What is this?',
      image: brightImage,
    });
    expect(failed.end).toBe('error');
    expect(failed.message).toBe(
      `Couldn't download the model from ${new URL(suite.mirror.origin).host}. Check your connection, or set a mirror or import the files in Options.`,
    );
    expect((await cachedModelFiles(client)).some((p) => p.includes('decoder_model_merged'))).toBe(
      false,
    );

    suite.mirror.clearCuts();
    const retried = await client.ask({
      requestId: 'c2',
      question: 'What is this?',
      image: brightImage,
    });
    expect(retried.message).toBeUndefined();
    expect(retried.text).toBe(BRIGHT_ANSWER);
    expect((await cachedModelFiles(client)).some((p) => p.includes('decoder_model_merged'))).toBe(
      true,
    );
  });

  test('closing the offscreen document mid-answer gives an error, and the next ask recreates it', async () => {
    browser = await suite.launch();
    await setSettings(browser.serviceWorker, tinyModelSettings(suite.mirror));
    const client = await AskClient.open(browser);
    await client.send({
      requestId: 'long',
      question: 'Tell me about it forever',
      image: brightImage,
      maxNewTokens: 4000,
    });
    await client.waitForToken('long');
    await browser.serviceWorker.evaluate(() => chrome.offscreen.closeDocument());
    const broken = await client.result('long');
    expect(broken.end).toBe('error');
    expect(broken.message).toBe(
      "Glimpse's on-device model stopped unexpectedly. Ask again to restart it.",
    );
    const again = await client.ask({
      requestId: 'after',
      question: 'What is this?',
      image: darkImage,
    });
    expect(again.text).toBe(DARK_ANSWER);
  });

  test('cancel stops a long answer, and the offscreen document closes after the idle timeout', async () => {
    browser = await suite.launch();
    await setSettings(
      browser.serviceWorker,
      tinyModelSettings(suite.mirror, { idleMinutes: 0.05 }),
    );
    const client = await AskClient.open(browser);
    await startEndlessAnswer(client, 'stop-me', darkImage);
    await client.post({ type: 'cancel', requestId: 'stop-me' });
    const stopped = await client.result('stop-me');
    expect(stopped.end).toBe('cancelled');
    expect(stopped.text.startsWith('Mostly dark shadows')).toBe(true);
    expect(stopped.text.length).toBeLessThan(4000);
    expect(await offscreenDocuments(browser.serviceWorker)).toBe(1);
    // idleMinutes 0.05 = 3 s without requests.
    const sw = browser.serviceWorker;
    await expect.poll(() => offscreenDocuments(sw), { timeout: 15_000, interval: 250 }).toBe(0);
    const status = await browser.serviceWorker.evaluate(
      async () => (await chrome.storage.session.get('engine-status'))['engine-status'],
    );
    expect(status).toEqual({ state: 'idle' });
  });

  test('the only network traffic is the model download', async () => {
    const site = await serveResources(
      new Map([['/photo.png', { type: 'image/png', body: BRIGHT_PNG }]]),
    );
    const logDir = mkdtempSync(join(tmpdir(), 'glimpse-netlog-'));
    const netLog = join(logDir, 'netlog.json');
    try {
      browser = await suite.launch({ extraArgs: [`--log-net-log=${netLog}`] });
      await setSettings(browser.serviceWorker, tinyModelSettings(suite.mirror));
      const client = await AskClient.open(browser);
      const result = await client.ask({
        requestId: 'n1',
        question: 'What is this?',
        image: { kind: 'url', url: `${site.origin}/photo.png` },
      });
      expect(result.text).toBe(BRIGHT_ANSWER);
      const extensionOrigin = `chrome-extension://${browser.extensionId}`;
      await browser.close();
      // Chromium's own update and sign-in checks are not Glimpse's: everything else is.
      const ours = loggedRequests(netLog).filter((r) => r.initiator !== BROWSER_INITIATOR);
      expect(new Set(ours.map((r) => r.initiator))).toEqual(new Set([extensionOrigin]));
      const urls = [...new Set(ours.map((r) => r.url))];
      const modelFiles = urls.filter((u) =>
        u.startsWith(`${suite.mirror.origin}/${TINY_MODEL_ID}/resolve/main/`),
      );
      expect(modelFiles.length).toBeGreaterThan(3);
      // Besides model files, only the image the user asked about, read by the extension itself.
      expect(urls.filter((u) => !modelFiles.includes(u))).toEqual([`${site.origin}/photo.png`]);
    } finally {
      await site.close();
      rmSync(logDir, { recursive: true, force: true });
    }
  });
});
