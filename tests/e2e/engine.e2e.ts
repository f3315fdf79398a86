import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type ExtensionBrowser, launchWithExtension } from '../../scripts/lib/chromium';
import { BRIGHT_ANSWER, DARK_ANSWER } from '../fixtures/tiny-smolvlm/generate';
import type { MirrorServer } from '../support/mirror-server';
import { AskClient } from './harness/ask-client';
import {
  BRIGHT_PNG,
  DARK_PNG,
  dataUrl,
  setSettings,
  startMirror,
  tinyModelSettings,
} from './harness/engine-env';

let mirror: MirrorServer;
let browser: ExtensionBrowser | undefined;
beforeAll(async () => {
  mirror = await startMirror();
});
afterAll(() => mirror.stop());
afterEach(async () => {
  await browser?.dispose();
  browser = undefined;
});

describe('on-device engine in real Chromium', () => {
  test('first ask downloads from the mirror and answers exactly on WebGPU', async () => {
    browser = await launchWithExtension();
    await setSettings(browser.serviceWorker, tinyModelSettings(mirror));
    const client = await AskClient.open(browser);
    const result = await client.ask({
      requestId: 'q1',
      question: 'What is this?',
      image: { kind: 'url', url: dataUrl(BRIGHT_PNG) },
    });
    expect(result.message).toBeUndefined();
    expect(result.text).toBe(BRIGHT_ANSWER);
    expect(result.stats?.backend).toBe('webgpu');
    expect(result.statuses.some((s) => s.state === 'downloading')).toBe(true);
    const dark = await client.ask({
      requestId: 'q2',
      question: 'What is this?',
      image: { kind: 'url', url: dataUrl(DARK_PNG) },
    });
    expect(dark.text).toBe(DARK_ANSWER);
  });
});
