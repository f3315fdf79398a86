import { describe, expect, test } from 'vitest';
import { BRIGHT_ANSWER, DARK_ANSWER } from '../fixtures/tiny-smolvlm/generate';
import { AskClient } from './harness/ask-client';
import {
  BRIGHT_PNG,
  DARK_PNG,
  dataUrl,
  setSettings,
  tinyModelSettings,
} from './harness/engine-env';
import { killGpuProcess } from './harness/gpu-process';
import { useExtensionBrowser } from './harness/suite';

const suite = useExtensionBrowser({ mirror: true });

describe('GPU device loss in real Chromium', () => {
  test('when the GPU process dies, Glimpse switches to WASM, says so, and keeps answering', async () => {
    const browser = await suite.launch();
    await setSettings(browser.serviceWorker, tinyModelSettings(suite.mirror));
    const client = await AskClient.open(browser);
    const before = await client.ask({
      requestId: 'g1',
      question: 'What is this?',
      image: { kind: 'url', url: dataUrl(BRIGHT_PNG) },
    });
    expect(before.text).toBe(BRIGHT_ANSWER);
    expect(before.stats?.backend).toBe('webgpu');

    // A GPU process crash (as in a driver reset): every WebGPU device in the browser is lost.
    killGpuProcess(browser.profileDir);

    const events = () => client.events();
    await expect
      .poll(
        async () =>
          (await events()).some(
            (e) => e.type === 'status' && e.status.state === 'ready' && e.status.backend === 'wasm',
          ),
        {
          timeout: 30_000,
        },
      )
      .toBe(true);
    const after = await client.ask({
      requestId: 'g2',
      question: 'What is this?',
      image: { kind: 'url', url: dataUrl(DARK_PNG) },
    });
    expect(after.message).toBeUndefined();
    expect(after.text).toBe(DARK_ANSWER);
    expect(after.stats?.backend).toBe('wasm');
    const ready = after.statuses.findLast((s) => s.state === 'ready');
    expect(ready).toMatchObject({
      backend: 'wasm',
      notice: 'WebGPU stopped working (the GPU device was lost), so Glimpse switched to WASM.',
    });
  });
});
