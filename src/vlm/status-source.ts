import { cachedBytes } from './model-cache';
import { defineSettingsItem, readSettings } from './settings';
import { defineEngineStatusItem, defineLastRunItem, type EngineStatusSource } from './status-store';

/** Engine status as extension pages read it: storage written by the background, plus the cache. */
export function createStorageStatusSource(): EngineStatusSource {
  const statusItem = defineEngineStatusItem();
  const lastRunItem = defineLastRunItem();
  const settingsItem = defineSettingsItem();
  return {
    status: () => statusItem.getValue(),
    lastRun: () => lastRunItem.getValue(),
    modelId: async () => (await readSettings(settingsItem)).modelId,
    cachedBytes: () => cachedBytes(caches),
    watch(onChange) {
      const stops = [
        statusItem.watch(onChange),
        lastRunItem.watch(onChange),
        settingsItem.watch(onChange),
      ];
      return () => {
        for (const stop of stops) stop();
      };
    },
  };
}
