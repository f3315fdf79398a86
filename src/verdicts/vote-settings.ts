import { storage as defaultStorage, type WxtStorage } from '@wxt-dev/storage';
import * as v from 'valibot';
import { readWithDefaults } from '@/src/settings/read-stored';
import { parseWebAddress } from '@/src/settings/web-address';

/** What the user chose in Options about the vote service. */
export const VoteSettingsSchema = v.object({
  /** The service the user named; null uses the build's own (which may be none). */
  serviceUrl: v.nullable(v.pipe(v.string(), v.maxLength(2000))),
  /** Never contact the service: votes count on this device only. */
  deviceOnly: v.boolean(),
});
export type VoteSettings = v.InferOutput<typeof VoteSettingsSchema>;

export const DEFAULT_VOTE_SETTINGS: VoteSettings = Object.freeze({
  serviceUrl: null,
  deviceOnly: false,
});

export function defineVoteSettingsItem(storage: WxtStorage = defaultStorage) {
  return storage.defineItem<VoteSettings>('local:vote-settings', {
    fallback: DEFAULT_VOTE_SETTINGS,
    version: 1,
  });
}
export type VoteSettingsItem = ReturnType<typeof defineVoteSettingsItem>;

export async function readVoteSettings(item: VoteSettingsItem): Promise<VoteSettings> {
  return readWithDefaults(item, VoteSettingsSchema, DEFAULT_VOTE_SETTINGS);
}

/**
 * A vote service's base URL in one canonical form (no trailing slash, no query or fragment),
 * so the same service always maps to the same stored install; null when it is not a web address.
 */
export function normalizeServiceUrl(text: string): string | null {
  const url = parseWebAddress(text);
  if (!url || url.search || url.hash || url.username || url.password) return null;
  return url.href.replace(/\/+$/, '');
}

/** The build's vote service (GLIMPSE_VOTE_SERVICE_URL), or null for a device-only build. */
export function buildServiceUrl(fromBuild: string | undefined): string | null {
  return fromBuild ? normalizeServiceUrl(fromBuild) : null;
}

/** Where votes go: a service, or nowhere (and why, for the popup's sentence). */
export type SyncTarget =
  | { mode: 'service'; url: string }
  | { mode: 'device-only'; reason: 'no-service' | 'user-choice' };

export function syncTargetOf(settings: VoteSettings, defaultUrl: string | null): SyncTarget {
  if (settings.deviceOnly) return { mode: 'device-only', reason: 'user-choice' };
  const url = settings.serviceUrl ? normalizeServiceUrl(settings.serviceUrl) : defaultUrl;
  return url ? { mode: 'service', url } : { mode: 'device-only', reason: 'no-service' };
}
