import { storage as defaultStorage, type WxtStorage } from '@wxt-dev/storage';
import type { EngineStatus, GenerationStats } from '@/src/messaging/protocol';

/** The engine's latest status, for the popup; session storage, so it resets with the browser. */
export function defineEngineStatusItem(storage: WxtStorage = defaultStorage) {
  return storage.defineItem<EngineStatus>('session:engine-status', { fallback: { state: 'idle' } });
}

export interface LastRun {
  stats: GenerationStats;
  at: number;
}

/** The last finished answer's figures: the popup's "measured on this device". */
export function defineLastRunItem(storage: WxtStorage = defaultStorage) {
  return storage.defineItem<LastRun | null>('local:last-run', { fallback: null, version: 1 });
}

/** Where status views read from: storage items in the extension, plain values in tests. */
export interface EngineStatusSource {
  status(): Promise<EngineStatus>;
  lastRun(): Promise<LastRun | null>;
  modelId(): Promise<string>;
  cachedBytes(): Promise<number>;
  watch(onChange: () => void): () => void;
}
