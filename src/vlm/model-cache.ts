/**
 * The downloaded model files, as transformers.js keeps them: in the extension origin's Cache
 * API under `transformers-cache`, keyed by the URL they came from.
 */
export const MODEL_CACHE_NAME = 'transformers-cache';

export interface CachedModel {
  /** "owner/name" from the file URL, or the URL's host path when it does not look like one. */
  modelId: string;
  host: string;
  files: number;
  bytes: number;
}

type CacheStorageLike = Pick<CacheStorage, 'open' | 'delete' | 'has'>;

export async function listCachedModels(caches: CacheStorageLike): Promise<CachedModel[]> {
  if (!(await caches.has(MODEL_CACHE_NAME))) return [];
  const cache = await caches.open(MODEL_CACHE_NAME);
  const byModel = new Map<string, CachedModel>();
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    const declared = Number(response?.headers.get('content-length'));
    const bytes =
      Number.isFinite(declared) && declared > 0 ? declared : ((await response?.blob())?.size ?? 0);
    const url = new URL(request.url);
    const match = /^\/(.+?\/.+?)\/resolve\//.exec(url.pathname);
    const modelId = match?.[1] ?? url.pathname;
    const key = `${url.host} ${modelId}`;
    const entry = byModel.get(key) ?? { modelId, host: url.host, files: 0, bytes: 0 };
    entry.files += 1;
    entry.bytes += bytes;
    byModel.set(key, entry);
  }
  return [...byModel.values()];
}

export async function cachedBytes(caches: CacheStorageLike): Promise<number> {
  return (await listCachedModels(caches)).reduce((sum, m) => sum + m.bytes, 0);
}

export async function deleteCachedModels(caches: CacheStorageLike): Promise<void> {
  await caches.delete(MODEL_CACHE_NAME);
}

/** "812 KB", "3.4 MB", "210 MB": sizes as people read them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  const mb = bytes / (1024 * 1024);
  return mb >= 10 ? `${Math.round(mb)} MB` : `${mb.toFixed(1)} MB`;
}
