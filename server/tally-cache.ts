import type { TallyResponse } from '../src/verdicts/sync-protocol';
import type { TallySnapshot } from './db/votes-store';

export interface CachedTally {
  version: number;
  /** The JSON body, serialised once per version. */
  body: string;
  /** Weak: the counts are those of `version` on every process, `asOf` says when it was read. */
  etag: string;
  readAt: number;
}

/**
 * The tally as GET /v1/tally serves it: read from the database at most once per `ttlMs` per
 * process (so it is never more than `ttlMs` behind another process's syncs), and replaced at
 * once when a sync in this process commits a newer version.
 */
export function createTallyCache(
  read: () => Promise<TallySnapshot>,
  ttlMs: number,
  now: () => number,
) {
  let current: CachedTally | undefined;
  let reading: Promise<CachedTally> | undefined;

  const build = (snapshot: TallySnapshot, readAt: number): CachedTally => {
    const body: TallyResponse = { tally: snapshot.tally, asOf: readAt };
    return {
      version: snapshot.version,
      body: JSON.stringify(body),
      etag: `W/"tally-${snapshot.version}"`,
      readAt,
    };
  };

  const offer = (snapshot: TallySnapshot, readAt: number): CachedTally => {
    // A newer or equal version wins; an older one (a slow reader racing a sync) is dropped.
    if (!current || snapshot.version >= current.version) current = build(snapshot, readAt);
    return current;
  };

  return {
    async get(): Promise<CachedTally> {
      if (current && now() - current.readAt < ttlMs) return current;
      // One read at a time: a burst of requests after expiry waits for the same query.
      reading ??= (async () => {
        try {
          const readAt = now();
          return offer(await read(), readAt);
        } finally {
          reading = undefined;
        }
      })();
      return reading;
    },
    /** A sync committed and read this snapshot in its transaction. */
    offer: (snapshot: TallySnapshot) => offer(snapshot, now()),
  };
}
export type TallyCache = ReturnType<typeof createTallyCache>;
