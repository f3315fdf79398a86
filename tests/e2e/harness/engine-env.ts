/// <reference types="chrome" />
import type { Worker } from 'playwright-core';
import { paintPng } from '../../../scripts/lib/png';
import type { GlimpseSettings } from '../../../src/vlm/settings';
import { TINY_MODEL_ID } from '../../fixtures/tiny-smolvlm/generate';
import { MirrorServer } from '../../support/mirror-server';
import { ensureTinyModel, MODELS_ROOT } from '../../support/tiny-model';

export const BRIGHT_PNG = paintPng(160, 120, (x, y) => [230 + ((x + y) % 20), 228, 215]);
export const DARK_PNG = paintPng(120, 160, (x) => [8 + (x % 9), 10, 24]);
export const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

export async function startMirror(): Promise<MirrorServer> {
  ensureTinyModel();
  return new MirrorServer({ root: MODELS_ROOT }).start();
}

/** Writes Glimpse's settings as the Options page does (same storage key and shape). */
export async function setSettings(sw: Worker, settings: Partial<GlimpseSettings>): Promise<void> {
  await sw.evaluate(async (patch) => {
    const { settings: current } = await chrome.storage.local.get('settings');
    await chrome.storage.local.set({
      settings: { ...(current ?? {}), ...patch },
      settings$: { v: 1 },
    });
  }, settings);
}

export function tinyModelSettings(
  mirror: MirrorServer,
  extra: Partial<GlimpseSettings> = {},
): Partial<GlimpseSettings> {
  return {
    modelId: TINY_MODEL_ID,
    remoteHost: mirror.host,
    backend: 'auto',
    dtypeOverrides: {},
    idleMinutes: 5,
    ...extra,
  };
}

export async function offscreenDocuments(sw: Worker): Promise<number> {
  return sw.evaluate(
    async () =>
      (
        await chrome.runtime.getContexts({
          contextTypes: ['OFFSCREEN_DOCUMENT' as chrome.runtime.ContextType],
        })
      ).length,
  );
}
