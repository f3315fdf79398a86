/**
 * What the engine probes share: the shape-faithful model on a local mirror, the bench build in
 * Chromium set to WASM, and the bench page open, plus the 512-px test image they ask about.
 */

import { launchWithExtension } from '../../scripts/lib/chromium';
import { paintPng } from '../../scripts/lib/png';
import type { ImageInput } from '../../src/messaging/protocol';
import { chooseDtypes } from '../../src/vlm/backend';
import { setSettings } from '../../tests/e2e/harness/engine-env';
import { MirrorServer } from '../../tests/support/mirror-server';
import type { GlimpseBenchPage } from '../reference-page/main';
import { ensureShapeModel } from './shape-model';

declare global {
  var glimpseBench: GlimpseBenchPage;
}

const png = paintPng(512, 512, (x, y) => [(x * 7) % 256, (y * 5) % 256, (x + y) % 256]);
/** A 512-px image: one view on SmolVLM2-256M. */
export const PROBE_IMAGE: ImageInput = {
  kind: 'bytes',
  base64: png.toString('base64'),
  contentType: 'image/png',
};

export async function openProbeSession(extensionDir: string, log: (line: string) => void) {
  const model = ensureShapeModel(log);
  const mirror = await new MirrorServer({ root: model.root }).start();
  const browser = await launchWithExtension({ extensionDir });
  try {
    await setSettings(browser.serviceWorker, {
      modelId: model.id,
      remoteHost: mirror.host,
      backend: 'wasm',
      dtypeOverrides: chooseDtypes('wasm', false),
      splitImages: 'auto',
      followUps: 'kv-cache',
      idleMinutes: 60,
    });
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/bench.html`);
    await page.waitForFunction(() => typeof globalThis.glimpseBench === 'object');
    return {
      model,
      mirror,
      browser,
      page,
      async dispose() {
        await browser.dispose();
        await mirror.stop();
      },
    };
  } catch (error) {
    await browser.dispose();
    await mirror.stop();
    throw error;
  }
}
