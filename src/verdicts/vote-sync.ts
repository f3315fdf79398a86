import type { AltchaSolver } from './altcha-solver';
import { createSyncHttp, type FetchLike, type Outcome, type SyncHttp } from './sync-http';
import { MAX_EVENTS_PER_SYNC, type RegisterResponse, type SyncEvent } from './sync-protocol';
import {
  acknowledgeThrough,
  passOver,
  pendingEvents,
  resetCursor,
  type VoteLedger,
} from './vote-ledger';
import type { LedgerAccess } from './vote-service';
import {
  readVoteSettings,
  type SyncTarget,
  syncTargetOf,
  type VoteSettingsItem,
} from './vote-settings';
import { type SyncSnapshot, type VoteState, voteStateOf } from './vote-state';
import {
  IDLE_STATUS,
  type InstallCredentials,
  type ProblemKind,
  readInstalls,
  readStatus,
  readTally,
  type StoredTally,
  type SyncItems,
  type SyncStatus,
} from './vote-sync-storage';

/**
 * The vote sync, in the background. The rules:
 * - A vote is sent at once. When that fails it stays pending (the ledger never drops an
 *   event) and is retried with exponential backoff and jitter on an alarm, which outlives
 *   the service worker; also when the browser comes back online, at browser startup, when the
 *   popup opens and on the next vote. A 429's Retry-After holds every trigger back.
 * - One sync runs at a time; the ledger's cursor moves only through the vote service's single
 *   writer, and only over events the service acknowledged (`ackedThrough`).
 * - 401 token_expired renews the token; 401 unauthorized (the service no longer knows the
 *   install, e.g. its database was reset) registers again and resends the whole ledger: the
 *   service stores each (install, event id) once, so a resend never counts twice.
 * - A batch refused as invalid (400, 413, 422) is split until the refused event is alone.
 *   That event is a bug or a clock far ahead: it is kept (the user's vote is never deleted)
 *   and the popup says why. While it is the user's latest vote it is retried slowly (hours,
 *   not seconds); once a later vote supersedes it, it is passed over so the queue moves on
 *   (resending it later could let a stale vote win the service's last-writer-wins).
 * - Device-only mode, or a build and settings with no service, never contacts the service.
 */

export type SyncTrigger =
  /** The user voted: send it now. */
  | 'vote'
  /** Options changed the service or device-only mode. */
  | 'settings'
  | 'online'
  /** The browser started, or Glimpse was installed or updated. */
  | 'startup'
  /** The popup opened: send what waits and refresh the tally. */
  | 'popup'
  /** The retry alarm fired. */
  | 'alarm'
  /** The service worker woke for any reason: resume a schedule that may have been lost. */
  | 'wake';

/** When the next try is due; backed by browser.alarms so it survives the worker sleeping. */
export interface SyncScheduler {
  wakeAt(when: number): Promise<void>;
  cancel(): Promise<void>;
}

export interface VoteSyncEnv {
  ledger: LedgerAccess;
  items: SyncItems;
  settings: VoteSettingsItem;
  /** The build's service (GLIMPSE_VOTE_SERVICE_URL), null for a device-only build. */
  defaultServiceUrl: string | null;
  fetch: FetchLike;
  now: () => number;
  /** In [0, 1): the backoff's jitter. */
  random: () => number;
  isOnline: () => boolean;
  scheduler: SyncScheduler;
  solve: AltchaSolver;
}

export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_MAX_MS = 30 * 60_000;
/** A refused latest vote is offered again this seldom: a clock fixes itself, a service updates. */
export const REFUSED_RETRY_MS = 6 * 60 * 60_000;
/** A Retry-After longer than this is treated as this (a broken header must not stall votes for days). */
export const MAX_HOLD_MS = 6 * 60 * 60_000;
/** Popup opens closer together than this reuse the stored tally (an unchanged one costs a 304). */
export const TALLY_REFRESH_MS = 1_000;
/** A token this close to expiring is renewed before it is used. */
export const RENEW_MARGIN_MS = 60_000;

/** Exponential backoff with "equal jitter": half fixed, half random, so installs spread out. */
export function backoffDelay(failures: number, random: number): number {
  const exp = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(exp / 2 + (exp / 2) * random);
}

class SyncFailure extends Error {
  constructor(
    readonly kind: ProblemKind,
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

const PRIORITY: Record<SyncTrigger, number> = {
  wake: 0,
  alarm: 1,
  popup: 2,
  startup: 3,
  online: 3,
  settings: 4,
  vote: 4,
};

export function createVoteSync(env: VoteSyncEnv) {
  let running: Promise<void> | null = null;
  let again: SyncTrigger | null = null;
  let lastTallyCheck = Number.NEGATIVE_INFINITY;

  async function target(): Promise<SyncTarget> {
    return syncTargetOf(await readVoteSettings(env.settings), env.defaultServiceUrl);
  }

  async function snapshot(): Promise<SyncSnapshot> {
    const t = await target();
    const url = t.mode === 'service' ? t.url : null;
    return {
      target: t,
      installs: await readInstalls(env.items),
      tally: url ? await readTally(env.items, url) : null,
      status: await readStatus(env.items, url),
    };
  }

  // ─── Failures as sentences: what happened, and what Glimpse does next ───

  function failureOf(outcome: Exclude<Outcome<unknown>, { ok: true }>, host: string): SyncFailure {
    if (outcome.kind === 'network') {
      return env.isOnline()
        ? new SyncFailure(
            'unreachable',
            `Glimpse can't reach the vote service at ${host}. Your vote is saved on this device, and Glimpse keeps trying.`,
          )
        : new SyncFailure(
            'offline',
            "You're offline. Your vote is saved on this device and syncs when you're back online.",
          );
    }
    if (outcome.kind === 'bad-response' || (outcome.kind === 'http' && outcome.code === null)) {
      return new SyncFailure(
        'server',
        `${host} didn't answer like a Glimpse vote service (HTTP ${outcome.status}). Your vote is saved on this device; check the vote service address in Options.`,
      );
    }
    if (outcome.status === 429) {
      return new SyncFailure(
        'rate-limited',
        'The vote service is busy. Your vote is saved on this device, and Glimpse sends it as soon as the service allows.',
        outcome.retryAfterMs,
      );
    }
    if (outcome.status >= 500) {
      return new SyncFailure(
        'server',
        `The vote service at ${host} has a problem (HTTP ${outcome.status}). Your vote is saved on this device, and Glimpse tries again later.`,
        outcome.retryAfterMs,
      );
    }
    return refusedFailure(outcome.code);
  }

  function refusedFailure(code: string | null): SyncFailure {
    if (code === 'event_in_future') {
      return new SyncFailure(
        'rejected',
        "The vote service refused your vote because its time is ahead of the service's clock. Check this computer's date and time; your vote is kept and Glimpse offers it again later.",
      );
    }
    if (code === 'unknown_tool') {
      return new SyncFailure(
        'rejected',
        "The vote service doesn't know the tool you picked (it may be older than this Glimpse). Your vote is kept on this device, and Glimpse offers it again later.",
      );
    }
    return new SyncFailure(
      'rejected',
      'The vote service refused your vote as malformed, a bug in Glimpse or the service. Your vote is kept on this device; Glimpse offers it again later, and a new vote still goes through.',
    );
  }

  /** Joining (challenge, register, renew): a 4xx there is not the vote's fault. */
  function joinFailureOf(outcome: Exclude<Outcome<unknown>, { ok: true }>, host: string) {
    if (
      outcome.kind === 'http' &&
      outcome.code !== null &&
      outcome.status < 500 &&
      outcome.status !== 429
    ) {
      return new SyncFailure(
        'server',
        `The vote service at ${host} turned down Glimpse's sign-up (HTTP ${outcome.status}). Your vote is saved on this device, and Glimpse tries again later.`,
      );
    }
    return failureOf(outcome, host);
  }

  const isRefusal = (o: Outcome<unknown>) =>
    !o.ok && o.kind === 'http' && (o.status === 400 || o.status === 413 || o.status === 422);
  const isUnauthorized = (o: Outcome<unknown>) => !o.ok && o.kind === 'http' && o.status === 401;

  // ─── The install: register once per service, renew its token, re-register when forgotten ───

  async function saveInstall(url: string, response: RegisterResponse): Promise<InstallCredentials> {
    const creds = {
      installId: response.installId,
      token: response.token,
      expiresAt: response.expiresAt,
    };
    const installs = await readInstalls(env.items);
    await env.items.installs.setValue({
      ...installs,
      byService: { ...installs.byService, [url]: creds },
    });
    return creds;
  }

  async function register(url: string, http: SyncHttp, host: string) {
    const challenge = await http.challenge();
    if (!challenge.ok) throw joinFailureOf(challenge, host);
    let altcha: string;
    try {
      altcha = await env.solve(challenge.value);
    } catch {
      throw new SyncFailure(
        'server',
        `Glimpse couldn't solve the vote service's sign-up puzzle. Your vote is saved on this device, and Glimpse tries again later.`,
      );
    }
    const registered = await http.register(altcha);
    if (!registered.ok) throw joinFailureOf(registered, host);
    return saveInstall(url, registered.value);
  }

  async function renew(url: string, http: SyncHttp, host: string, creds: InstallCredentials) {
    const renewed = await http.renew(creds.token);
    if (renewed.ok) return saveInstall(url, renewed.value);
    if (isUnauthorized(renewed)) return register(url, http, host);
    throw joinFailureOf(renewed, host);
  }

  /** Makes the ledger's cursor count this install's acknowledgements (from 0 for a new one). */
  async function adoptCursor(creds: InstallCredentials): Promise<void> {
    const installs = await readInstalls(env.items);
    if (installs.cursorOwner === creds.installId) return;
    // Cursor first, owner second: a crash in between only resends (the service dedups).
    await env.ledger.update(resetCursor);
    await env.items.installs.setValue({ ...installs, cursorOwner: creds.installId });
  }

  async function ownsCursor(url: string): Promise<boolean> {
    const installs = await readInstalls(env.items);
    const install = installs.byService[url];
    return !!install && installs.cursorOwner === install.installId;
  }

  async function hasWork(url: string, ledger: VoteLedger): Promise<boolean> {
    if (ledger.events.length === 0) return false;
    return pendingEvents(ledger).length > 0 || !(await ownsCursor(url));
  }

  async function storeTally(tally: StoredTally): Promise<void> {
    await env.items.tally.setValue(tally);
  }

  // ─── One push: every pending event, in ledger order, in batches ───

  async function push(url: string): Promise<void> {
    const host = new URL(url).host;
    const http = createSyncHttp(url, env.fetch, env.now);
    let creds = (await readInstalls(env.items)).byService[url];
    if (!creds) creds = await register(url, http, host);
    else if (creds.expiresAt - RENEW_MARGIN_MS <= env.now())
      creds = await renew(url, http, host, creds);
    await adoptCursor(creds);

    let batchLimit = MAX_EVENTS_PER_SYNC;
    let renewed = false;
    let reregistered = false;
    for (;;) {
      const ledger = await env.ledger.read();
      const pending = pendingEvents(ledger);
      if (pending.length === 0) return;
      const batch = pending.slice(0, batchLimit);
      const events: SyncEvent[] = batch.map(({ id, at, choice }) => ({ id, at, choice }));
      const outcome = await http.sync(creds.token, { installId: creds.installId, events });
      if (outcome.ok) {
        const before = ledger.syncedCount;
        const after = await env.ledger.update((l) =>
          acknowledgeThrough(l, outcome.value.ackedThrough),
        );
        const { tally, asOf } = outcome.value;
        await storeTally({ serviceUrl: url, tally, asOf, etag: null });
        lastTallyCheck = env.now();
        if (after.syncedCount <= before) {
          throw new SyncFailure(
            'server',
            `The vote service at ${host} acknowledged a vote Glimpse never sent. Your vote is saved on this device, and Glimpse tries again later.`,
          );
        }
        continue;
      }
      if (isUnauthorized(outcome)) {
        const expired = outcome.kind === 'http' && outcome.code === 'token_expired';
        if (expired && !renewed) {
          renewed = true;
          creds = await renew(url, http, host, creds);
        } else if (!reregistered) {
          // The service doesn't know this install: join again and resend the whole ledger.
          reregistered = true;
          creds = await register(url, http, host);
        } else {
          throw new SyncFailure(
            'server',
            `The vote service at ${host} keeps refusing this install. Your vote is saved on this device, and Glimpse tries again later.`,
          );
        }
        await adoptCursor(creds);
        continue;
      }
      if (isRefusal(outcome)) {
        if (batch.length > 1) {
          batchLimit = Math.ceil(batch.length / 2);
          continue;
        }
        const [refused] = batch;
        const code = outcome.kind === 'http' ? (outcome.code ?? `http_${outcome.status}`) : '';
        if (!refused || refused.id === ledger.events.at(-1)?.id) throw refusedFailure(code);
        await env.ledger.update((l) => passOver(l, refused.id));
        const status = await readStatus(env.items, url);
        await env.items.status.setValue({
          ...status,
          setAside: [...status.setAside, { id: refused.id, code }].slice(-20),
        });
        continue;
      }
      throw failureOf(outcome as Exclude<typeof outcome, { ok: true }>, host);
    }
  }

  async function refreshTally(url: string): Promise<void> {
    lastTallyCheck = env.now();
    const http = createSyncHttp(url, env.fetch, env.now);
    const stored = await readTally(env.items, url);
    const outcome = await http.tally(stored?.etag ?? null);
    // A failed refresh keeps the last tally on show, with its own "as of" time.
    if (!outcome.ok) return;
    if (outcome.value === undefined) {
      if (stored) await storeTally({ ...stored, asOf: env.now() });
      return;
    }
    const { tally, asOf } = outcome.value;
    await storeTally({ serviceUrl: url, tally, asOf, etag: outcome.etag });
  }

  // ─── The schedule ───

  async function succeeded(url: string, status: SyncStatus): Promise<void> {
    await env.items.status.setValue({
      ...IDLE_STATUS,
      serviceUrl: url,
      lastSuccessAt: env.now(),
      setAside: status.setAside,
    });
    await env.scheduler.cancel();
  }

  async function failed(url: string, failure: SyncFailure): Promise<void> {
    const status = await readStatus(env.items, url);
    const failures = status.failures + 1;
    const now = env.now();
    let delay = backoffDelay(failures, env.random());
    if (failure.kind === 'rejected') delay = Math.max(delay, REFUSED_RETRY_MS);
    let holdUntil: number | null = null;
    if (failure.retryAfterMs !== null) {
      const hold = Math.min(MAX_HOLD_MS, Math.max(1_000, failure.retryAfterMs));
      holdUntil = now + hold;
      delay = Math.max(delay, hold);
    }
    const nextAttemptAt = now + delay;
    await env.items.status.setValue({
      ...status,
      failures,
      nextAttemptAt,
      holdUntil,
      problem: { kind: failure.kind, message: failure.message },
    });
    await env.scheduler.wakeAt(nextAttemptAt);
  }

  async function runOnce(trigger: SyncTrigger): Promise<void> {
    const t = await target();
    if (t.mode !== 'service') {
      await env.scheduler.cancel();
      return;
    }
    const { url } = t;
    const status = await readStatus(env.items, url);
    const now = env.now();
    const ledger = await env.ledger.read();
    const work = await hasWork(url, ledger);
    if (!work) {
      if (status.nextAttemptAt !== null) await succeeded(url, status);
      if (trigger === 'popup' && now - lastTallyCheck >= TALLY_REFRESH_MS) await refreshTally(url);
      return;
    }
    if (status.holdUntil !== null && status.holdUntil > now) {
      await env.scheduler.wakeAt(status.holdUntil);
      return;
    }
    // An alarm may fire a little early; a second's slack keeps it from re-arming for nothing.
    const due = status.nextAttemptAt === null || status.nextAttemptAt <= now + 1_000;
    // The schedule's own triggers keep to it; a new vote, coming online, startup and the
    // popup try at once, except that a refused vote waits for its slow retry or a new vote.
    const waitForSchedule =
      trigger === 'alarm' ||
      trigger === 'wake' ||
      (status.problem?.kind === 'rejected' && trigger !== 'vote' && trigger !== 'settings');
    if (!due && waitForSchedule) {
      if (status.nextAttemptAt !== null) await env.scheduler.wakeAt(status.nextAttemptAt);
      if (trigger === 'popup' && now - lastTallyCheck >= TALLY_REFRESH_MS) await refreshTally(url);
      return;
    }
    try {
      await push(url);
      await succeeded(url, await readStatus(env.items, url));
    } catch (error) {
      await failed(
        url,
        error instanceof SyncFailure
          ? error
          : new SyncFailure(
              'server',
              'Something went wrong syncing your vote. It is saved on this device, and Glimpse tries again later.',
            ),
      );
    }
  }

  async function loop(first: SyncTrigger): Promise<void> {
    let trigger: SyncTrigger | null = first;
    while (trigger) {
      again = null;
      await runOnce(trigger).catch(() => undefined);
      trigger = again;
    }
  }

  return {
    /** Runs a sync for this reason; one runs at a time, and a trigger during it runs it again. */
    kick(trigger: SyncTrigger): Promise<void> {
      if (running) {
        if (again === null || PRIORITY[trigger] > PRIORITY[again]) again = trigger;
        return running;
      }
      running = loop(trigger).finally(() => {
        running = null;
      });
      return running;
    },
    snapshot,
    describe: async (ledger: VoteLedger): Promise<VoteState> =>
      voteStateOf(ledger, await snapshot()),
  };
}
export type VoteSync = ReturnType<typeof createVoteSync>;
