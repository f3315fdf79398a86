import { storage as defaultStorage, type WxtStorage } from '@wxt-dev/storage';
import * as v from 'valibot';
import { type EngineSettings, EngineSettingsSchema } from '@/src/messaging/protocol';
import { readWithDefaults } from '@/src/settings/read-stored';
import { IMPORT_HOST, isImportedModel } from './model-import';
import { DEFAULT_MODEL_ID, HUB_HOST } from './model-registry';

export const MIN_IDLE_MINUTES = 0.05; // 3 s, for tests; Options offers 1 to 60
export const DEFAULT_IDLE_MINUTES = 5;

export const GlimpseSettingsSchema = v.object({
  ...EngineSettingsSchema.entries,
  /** Minutes without requests before the offscreen document closes and frees memory. */
  idleMinutes: v.pipe(v.number(), v.minValue(MIN_IDLE_MINUTES), v.maxValue(24 * 60)),
});
export type GlimpseSettings = v.InferOutput<typeof GlimpseSettingsSchema>;

export const DEFAULT_SETTINGS: GlimpseSettings = Object.freeze({
  modelId: DEFAULT_MODEL_ID,
  remoteHost: HUB_HOST,
  backend: 'auto',
  splitImages: 'auto',
  followUps: 'kv-cache',
  dtypeOverrides: {},
  idleMinutes: DEFAULT_IDLE_MINUTES,
});

export function defineSettingsItem(storage: WxtStorage = defaultStorage) {
  return storage.defineItem<GlimpseSettings>('local:settings', {
    fallback: DEFAULT_SETTINGS,
    version: 1,
  });
}
export type SettingsItem = ReturnType<typeof defineSettingsItem>;

/** Reads settings: missing fields take their defaults, and a malformed value gives the defaults. */
export async function readSettings(item: SettingsItem): Promise<GlimpseSettings> {
  return readWithDefaults(item, GlimpseSettingsSchema, DEFAULT_SETTINGS);
}

export function engineSettingsOf(settings: GlimpseSettings): EngineSettings {
  const { modelId, remoteHost, backend, dtypeOverrides, splitImages, followUps } = settings;
  const host = isImportedModel(modelId) ? IMPORT_HOST : withTrailingSlash(remoteHost);
  return { modelId, remoteHost: host, backend, dtypeOverrides, splitImages, followUps };
}

export function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
