import { beforeEach, describe, expect, test } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { FetchLike } from '@/src/verdicts/sync-http';
import { MAX_EVENTS_PER_SYNC } from '@/src/verdicts/sync-protocol';
import { pendingEvents } from '@/src/verdicts/vote-ledger';
import { createVoteService } from '@/src/verdicts/vote-service';
import { defineVoteSettingsItem, type VoteSettings } from '@/src/verdicts/vote-settings';
import { defineVoteLedgerItem, readLedger } from '@/src/verdicts/vote-storage';
import {
  BACKOFF_BASE_MS,
  BACKOFF_MAX_MS,
  backoffDelay,
  createVoteSync,
  REFUSED_RETRY_MS,
  TALLY_REFRESH_MS,
  type VoteSync,
} from '@/src/verdicts/vote-sync';
import { defineSyncItems, readInstalls, readStatus } from '@/src/verdicts/vote-sync-storage';
import { FAKE_PROOF, fakeVoteService } from './fake-vote-service';

const URL_A = 'https://votes.example.org';
const URL_B = 'https://other-votes.example.org';
const SMOL = 'smolvlm2-2b';
const SKY = 'skypilot-research-agents';

beforeEach(() => {
  fakeBrowser.reset();
});

/**
 * One background: real (in-memory) extension storage through WXT's fake browser, a fake clock,
 * a fake alarm and the in-memory vote service. `restart()` makes a new sync on the same
 * storage, as a service worker that slept and woke does.
 */
function background({
  defaultUrl = URL_A as string | null,
  online = true,
  gate = null as Promise<void> | null,
} = {}) {
  const clock = { now: 1_700_000_000_000 };
  const service = fakeVoteService(() => clock.now);
  const alarm = { at: null as number | null, sets: [] as number[] };
  const net = { online, gate };
  let ids = 0;
  const item = defineVoteLedgerItem();
  const settings = defineVoteSettingsItem();
  const items = defineSyncItems();
  let sync: VoteSync;
  const votes = createVoteService({
    item,
    env: { now: () => clock.now, newId: () => `e${String(++ids).padStart(5, '0')}` },
    describe: (ledger) => sync.describe(ledger),
  });
  const fetch: FetchLike = async (input, init) => {
    if (net.gate) await net.gate;
    return service.fetch(input, init);
  };
  const solved: unknown[] = [];
  function restart(): VoteSync {
    sync = createVoteSync({
      ledger: votes.ledger,
      items,
      settings,
      defaultServiceUrl: defaultUrl,
      fetch,
      now: () => clock.now,
      random: () => 0.5,
      isOnline: () => net.online,
      scheduler: {
        wakeAt: async (when) => {
          alarm.at = when;
          alarm.sets.push(when);
        },
        cancel: async () => {
          alarm.at = null;
        },
      },
      solve: async (challenge) => {
        solved.push(challenge);
        return FAKE_PROOF;
      },
    });
    return sync;
  }
  restart();
  return {
    clock,
    service,
    alarm,
    net,
    votes,
    solved,
    get sync() {
      return sync;
    },
    restart,
    /** When the retry alarm is set for; a test that expects one fails here without it. */
    nextAlarm(): number {
      if (alarm.at === null) throw new Error('no alarm is set');
      return alarm.at;
    },
    async vote(choice: typeof SMOL | typeof SKY | null) {
      if (choice) await votes.cast(choice);
      else await votes.withdraw();
      await sync.kick('vote');
      return votes.get();
    },
    ledger: () => readLedger(item),
    status: (url = URL_A) => readStatus(items, url),
    installs: () => readInstalls(items),
    setSettings: (value: Partial<VoteSettings>) =>
      settings.setValue({ serviceUrl: null, deviceOnly: false, ...value }),
    onlyInstall(): string {
      const ids = [...service.installs().keys()];
      if (ids.length !== 1) throw new Error(`expected one install, found ${ids.length}`);
      return ids[0] as string;
    },
  };
}

describe('vote sync: the normal path', () => {
  test('a vote syncs at once: registered with the proof of work, stored, counted', async () => {
    const bg = background();
    const state = await bg.vote(SMOL);
    expect(state.sync).toEqual({ state: 'counted' });
    expect(state.scope).toBe('service');
    expect(state.serviceHost).toBe('votes.example.org');
    expect(state.tally).toEqual({ counts: { [SMOL]: 1, [SKY]: 0 }, total: 1 });
    expect(state.asOf).toBe(bg.clock.now);
    expect(bg.solved).toHaveLength(1);
    expect(bg.service.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v1/installs/challenge',
      'POST /v1/installs',
      'POST /v1/sync',
    ]);
    // What a sync sends: the install id, and per event its id, time and tool. Nothing else.
    const [sync] = bg.service.syncRequests();
    expect(sync?.body).toEqual({
      installId: bg.onlyInstall(),
      events: [{ id: 'e00001', at: bg.clock.now, choice: SMOL }],
    });
    expect(sync?.auth).toMatch(/^Bearer t\.install-1\./);
    expect((await bg.ledger()).syncedCount).toBe(1);
    expect(bg.alarm.at).toBeNull();
  });

  test('change and withdraw move the ballot; one install, one ballot', async () => {
    const bg = background();
    await bg.vote(SMOL);
    expect((await bg.vote(SKY)).tally).toEqual({ counts: { [SMOL]: 0, [SKY]: 1 }, total: 1 });
    expect((await bg.vote(null)).tally?.total).toBe(0);
    expect(bg.service.storedEvents(bg.onlyInstall()).map((e) => e.choice)).toEqual([
      SMOL,
      SKY,
      null,
    ]);
    expect(bg.solved).toHaveLength(1);
  });

  test('a long backlog goes up in batches of at most MAX_EVENTS_PER_SYNC, in ledger order', async () => {
    const bg = background();
    await bg.setSettings({ deviceOnly: true });
    for (let i = 0; i < 250; i++) await bg.votes.cast(i % 2 ? SKY : SMOL);
    await bg.sync.kick('vote');
    expect(bg.service.requests).toHaveLength(0);

    await bg.setSettings({ deviceOnly: false });
    await bg.sync.kick('settings');
    const batches = bg.service
      .syncRequests()
      .map((r) => (r.body as { events: { id: string }[] }).events);
    expect(batches.map((b) => b.length)).toEqual([MAX_EVENTS_PER_SYNC, MAX_EVENTS_PER_SYNC, 50]);
    const sent = batches.flat().map((e) => e.id);
    expect(sent).toEqual((await bg.ledger()).events.map((e) => e.id));
    expect(bg.service.tally()).toEqual({ counts: { [SMOL]: 0, [SKY]: 1 }, total: 1 });
    expect(pendingEvents(await bg.ledger())).toEqual([]);
  });

  test('a vote cast while a sync is on the wire is sent right after it', async () => {
    let release = () => {};
    const bg = background({ gate: new Promise<void>((r) => (release = r)) });
    await bg.votes.cast(SMOL);
    const first = bg.sync.kick('vote');
    await new Promise((r) => setTimeout(r, 0));
    await bg.votes.cast(SKY);
    const second = bg.sync.kick('vote');
    bg.net.gate = null;
    release();
    await Promise.all([first, second]);
    expect(pendingEvents(await bg.ledger())).toEqual([]);
    expect(bg.service.tally().counts[SKY]).toBe(1);
    // One sync at a time: one registration, never two.
    expect(bg.service.requests.filter((r) => r.path === '/v1/installs')).toHaveLength(1);
  });

  test('the popup gets a fresh tally when it opens, reusing it (ETag, 304) when nothing changed', async () => {
    const bg = background();
    await bg.vote(SMOL);
    bg.clock.now += TALLY_REFRESH_MS;
    await bg.sync.kick('popup');
    const tallyRequests = () => bg.service.requests.filter((r) => r.path === '/v1/tally');
    expect(tallyRequests()).toHaveLength(1);
    bg.clock.now += TALLY_REFRESH_MS;
    await bg.sync.kick('popup');
    expect(tallyRequests()).toHaveLength(2);
    expect(tallyRequests()[1]?.auth).toMatch(/^"v\d+"$/);
    // 304: the same figures, now confirmed as of this moment.
    expect((await bg.votes.get()).asOf).toBe(bg.clock.now);
    // Opens in quick succession reuse the stored tally.
    await bg.sync.kick('popup');
    expect(tallyRequests()).toHaveLength(2);
  });

  test('a user who never voted registers nothing, but sees the community tally', async () => {
    const bg = background();
    await bg.sync.kick('popup');
    expect(bg.service.requests.map((r) => r.path)).toEqual(['/v1/tally']);
    const state = await bg.votes.get();
    expect(state.tally?.total).toBe(0);
    expect(state.sync).toEqual({ state: 'counted' });
  });
});

describe('vote sync: failures never lose a vote', () => {
  test('unreachable: pending, a sentence, and retries on an alarm with exponential backoff', async () => {
    const bg = background();
    bg.service.setDown(true);
    const state = await bg.vote(SMOL);
    expect(state.sync).toMatchObject({ state: 'waiting', countedChoice: null });
    expect(state.sync.state === 'waiting' && state.sync.problem).toMatch(
      /can't reach the vote service at votes\.example\.org.*saved on this device/,
    );
    expect(state.tally).toBeNull();
    const start = bg.clock.now;
    expect(bg.alarm.at).toBe(start + backoffDelay(1, 0.5));

    // An early alarm (or a worker waking) keeps to the schedule: nothing is sent.
    const before = bg.service.requests.length;
    await bg.sync.kick('wake');
    await bg.sync.kick('alarm');
    expect(bg.service.requests).toHaveLength(before);

    // Each failed try doubles the wait (equal jitter: between half and all of it).
    const waits: number[] = [];
    for (let i = 0; i < 14; i++) {
      bg.clock.now = bg.nextAlarm();
      const at = bg.clock.now;
      await bg.sync.kick('alarm');
      waits.push(bg.nextAlarm() - at);
    }
    expect(waits.slice(0, 4)).toEqual([
      BACKOFF_BASE_MS * 1.5,
      BACKOFF_BASE_MS * 3,
      BACKOFF_BASE_MS * 6,
      BACKOFF_BASE_MS * 12,
    ]);
    expect(Math.max(...waits)).toBe(BACKOFF_MAX_MS * 0.75);
    expect(backoffDelay(3, 0)).toBe(BACKOFF_BASE_MS * 2);
    expect(backoffDelay(3, 0.999999)).toBeCloseTo(BACKOFF_BASE_MS * 4, -1);

    // The service is back: the next alarm sends the vote, once, and the schedule is cleared.
    bg.service.setDown(false);
    bg.clock.now = bg.nextAlarm();
    await bg.sync.kick('alarm');
    expect((await bg.votes.get()).sync).toEqual({ state: 'counted' });
    expect(bg.service.storedEvents(bg.onlyInstall())).toHaveLength(1);
    expect(bg.service.tally().total).toBe(1);
    expect(bg.alarm.at).toBeNull();
    expect(await bg.status()).toMatchObject({ failures: 0, problem: null, nextAttemptAt: null });
  });

  test('offline: says so; coming back online sends at once, without waiting for the alarm', async () => {
    const bg = background({ online: false });
    bg.service.setDown(true);
    const state = await bg.vote(SKY);
    expect(state.sync.state === 'waiting' && state.sync.problem).toBe(
      "You're offline. Your vote is saved on this device and syncs when you're back online.",
    );
    bg.net.online = true;
    bg.service.setDown(false);
    await bg.sync.kick('online');
    expect((await bg.votes.get()).sync).toEqual({ state: 'counted' });
  });

  test('the schedule survives the service worker sleeping; startup retries at once', async () => {
    const bg = background();
    bg.service.setDown(true);
    await bg.vote(SMOL);
    const due = bg.nextAlarm();
    // The worker slept and the browser dropped the alarm: a new worker re-arms it from storage.
    bg.alarm.at = null;
    const woken = bg.restart();
    await woken.kick('wake');
    expect(bg.alarm.at).toBe(due);
    // A browser restart tries at once; still down, so the backoff grows.
    await woken.kick('startup');
    expect((await bg.status()).failures).toBe(2);
    bg.service.setDown(false);
    bg.clock.now = bg.nextAlarm();
    await bg.restart().kick('alarm');
    expect((await bg.votes.get()).sync).toEqual({ state: 'counted' });
  });

  test('an answer lost after the service stored the batch: the retry is stored once', async () => {
    const bg = background();
    await bg.vote(SMOL);
    bg.service.failNext((r) => (r.path === '/v1/sync' ? 'network-after-store' : undefined));
    await bg.vote(SKY);
    expect(pendingEvents(await bg.ledger())).toHaveLength(1);
    await bg.sync.kick('online');
    const install = bg.onlyInstall();
    const ids = (await bg.ledger()).events.map((e) => e.id);
    expect(bg.service.storedEvents(install).map((e) => e.id)).toEqual(ids);
    expect(bg.service.syncRequests()).toHaveLength(3);
    expect(bg.service.tally()).toEqual({ counts: { [SMOL]: 0, [SKY]: 1 }, total: 1 });
  });

  test('server errors (5xx) back off and say so; a 503 Retry-After is honoured', async () => {
    const bg = background();
    bg.service.failNext(undefined, undefined, () => ({ status: 500, code: 'unavailable' }));
    await bg.votes.cast(SMOL);
    await bg.sync.kick('vote');
    const state = await bg.votes.get();
    expect(state.sync.state === 'waiting' && state.sync.problem).toMatch(
      /has a problem \(HTTP 500\)\. Your vote is saved on this device/,
    );
    expect(bg.alarm.at).toBe(bg.clock.now + backoffDelay(1, 0.5));

    bg.service.failNext(() => ({
      status: 503,
      code: 'unavailable',
      headers: { 'Retry-After': '30' },
    }));
    await bg.sync.kick('online');
    expect((await bg.status()).holdUntil).toBe(bg.clock.now + 30_000);
  });

  test('429: nothing is sent before Retry-After, whatever the trigger; then it goes', async () => {
    const bg = background();
    await bg.vote(SMOL);
    bg.service.failNext(() => ({
      status: 429,
      code: 'rate_limited',
      headers: { 'Retry-After': '120' },
    }));
    const state = await bg.vote(SKY);
    expect(state.sync.state === 'waiting' && state.sync.problem).toMatch(/busy/);
    expect(state.sync).toMatchObject({ countedChoice: SMOL });
    const hold = bg.clock.now + 120_000;
    expect(bg.alarm.at).toBe(hold);
    const sent = bg.service.requests.length;
    bg.clock.now += 60_000;
    await bg.votes.withdraw();
    for (const trigger of ['vote', 'online', 'startup', 'popup', 'alarm'] as const)
      await bg.sync.kick(trigger);
    expect(bg.service.requests).toHaveLength(sent);
    bg.clock.now = hold;
    await bg.sync.kick('alarm');
    expect((await bg.votes.get()).sync).toEqual({ state: 'counted' });
    expect(bg.service.tally().total).toBe(0);
  });

  test('an HTTP date in Retry-After counts as well', async () => {
    const bg = background();
    bg.service.failNext(undefined, undefined, () => ({
      status: 429,
      code: 'rate_limited',
      headers: { 'Retry-After': new Date(bg.clock.now + 90_000).toUTCString() },
    }));
    await bg.vote(SMOL);
    const { holdUntil } = await bg.status();
    expect(Math.abs((holdUntil ?? 0) - (bg.clock.now + 90_000))).toBeLessThanOrEqual(1_000);
  });

  test('a service that answers nonsense is named, and retried like an outage', async () => {
    const bg = background();
    bg.service.failNext(() => ({ status: 200, raw: '<html>hello</html>' }));
    const state = await bg.vote(SMOL);
    expect(state.sync.state === 'waiting' && state.sync.problem).toMatch(
      /didn't answer like a Glimpse vote service \(HTTP 200\).*address in Options/,
    );
    expect(bg.alarm.at).not.toBeNull();
  });
});

describe('vote sync: the install', () => {
  test('token_expired: the token is renewed for the same install, and the sync goes on', async () => {
    const bg = background();
    await bg.vote(SMOL);
    const install = bg.onlyInstall();
    bg.service.failNext((r) =>
      r.path === '/v1/sync' ? { status: 401, code: 'token_expired' } : undefined,
    );
    await bg.vote(SKY);
    expect(bg.service.requests.map((r) => r.path).slice(-3)).toEqual([
      '/v1/sync',
      '/v1/installs/renew',
      '/v1/sync',
    ]);
    expect(bg.onlyInstall()).toBe(install);
    expect(bg.solved).toHaveLength(1);
    expect((await bg.votes.get()).sync).toEqual({ state: 'counted' });
  });

  test('a token that has expired is renewed before it is used', async () => {
    const bg = background();
    await bg.vote(SMOL);
    bg.clock.now += 25 * 60 * 60_000;
    await bg.vote(SKY);
    expect(bg.service.requests.map((r) => r.path).slice(-2)).toEqual([
      '/v1/installs/renew',
      '/v1/sync',
    ]);
    expect(bg.service.tally().counts[SKY]).toBe(1);
  });

  test('the service lost its database (401 unauthorized): register again and resend the whole ledger', async () => {
    const bg = background();
    await bg.vote(SMOL);
    await bg.vote(SKY);
    bg.service.resetDatabase();
    const state = await bg.vote(SMOL);
    expect(state.sync).toEqual({ state: 'counted' });
    const install = bg.onlyInstall();
    expect(install).toBe('install-2');
    // Event ids: the first vote's event is e00001; e00002 became the ledger's voter id.
    expect(bg.service.storedEvents(install).map((e) => e.id)).toEqual([
      'e00001',
      'e00003',
      'e00004',
    ]);
    expect(bg.service.tally()).toEqual({ counts: { [SMOL]: 1, [SKY]: 0 }, total: 1 });
    expect((await bg.installs()).cursorOwner).toBe(install);
  });

  test('an install refused even after registering again stops with a sentence, and backs off', async () => {
    const bg = background();
    await bg.vote(SMOL);
    const unauthorized = () => ({ status: 401, code: 'unauthorized' as const });
    bg.service.failNext(unauthorized, undefined, undefined, unauthorized);
    const state = await bg.vote(SKY);
    expect(state.sync.state === 'waiting' && state.sync.problem).toMatch(
      /keeps refusing this install/,
    );
    expect(bg.alarm.at).not.toBeNull();
  });

  test('a refused sign-up (an expired puzzle, 403) is retried like an outage, not as a refused vote', async () => {
    const bg = background();
    bg.service.failNext(undefined, () => ({ status: 403, code: 'bad_proof' }));
    const state = await bg.vote(SMOL);
    expect(state.sync.state === 'waiting' && state.sync.problem).toMatch(
      /turned down Glimpse's sign-up [(]HTTP 403[)]/,
    );
    expect(bg.nextAlarm()).toBe(bg.clock.now + backoffDelay(1, 0.5));
    await bg.sync.kick('online');
    expect((await bg.votes.get()).sync).toEqual({ state: 'counted' });
  });

  test('a new service gets its own install and the whole ledger; switching back reuses the first', async () => {
    const bg = background();
    await bg.vote(SMOL);
    await bg.vote(SKY);
    await bg.setSettings({ serviceUrl: URL_B });
    await bg.sync.kick('settings');
    // One fake answers for both hosts: the second install holds both events again.
    expect(bg.service.installs().size).toBe(2);
    expect(bg.service.storedEvents('install-2')).toHaveLength(2);
    expect((await bg.votes.get()).serviceHost).toBe('other-votes.example.org');

    await bg.setSettings({ serviceUrl: `${URL_A}/` });
    await bg.sync.kick('settings');
    expect(bg.service.installs().size).toBe(2);
    expect(bg.solved).toHaveLength(2);
    expect((await bg.installs()).cursorOwner).toBe('install-1');
    expect((await bg.votes.get()).sync).toEqual({ state: 'counted' });
  });
});

describe('vote sync: refused batches (400, 413, 422)', () => {
  test('413: the batch is split until it fits, and everything arrives in order', async () => {
    const bg = background();
    await bg.setSettings({ deviceOnly: true });
    for (let i = 0; i < 90; i++) await bg.votes.cast(i % 2 ? SKY : SMOL);
    await bg.setSettings({ deviceOnly: false });
    const tooLarge = (r: { path: string; body: unknown }) =>
      r.path === '/v1/sync' && (r.body as { events: unknown[] }).events.length > 30
        ? { status: 413, code: 'body_too_large' as const }
        : undefined;
    bg.service.failNext(undefined, undefined, tooLarge, tooLarge, tooLarge);
    await bg.sync.kick('settings');
    const sizes = bg.service
      .syncRequests()
      .map((r) => (r.body as { events: unknown[] }).events.length);
    expect(sizes.slice(0, 3)).toEqual([90, 45, 23]);
    expect(pendingEvents(await bg.ledger())).toEqual([]);
    expect(bg.service.storedEvents(bg.onlyInstall()).map((e) => e.id)).toEqual(
      (await bg.ledger()).events.map((e) => e.id),
    );
  });

  test('a refused latest vote is kept, explained, and offered again slowly, not hot', async () => {
    const bg = background();
    await bg.vote(SMOL);
    bg.service.failNext((r) =>
      r.path === '/v1/sync' ? { status: 422, code: 'event_in_future' } : undefined,
    );
    const state = await bg.vote(SKY);
    expect(state.choice).toBe(SKY);
    expect(state.sync).toMatchObject({ state: 'waiting', countedChoice: SMOL });
    expect(state.sync.state === 'waiting' && state.sync.problem).toMatch(
      /time is ahead of the service's clock\. Check this computer's date and time/,
    );
    expect(bg.alarm.at).toBe(bg.clock.now + REFUSED_RETRY_MS);
    const sent = bg.service.requests.length;
    await bg.sync.kick('popup');
    await bg.sync.kick('online');
    expect(bg.service.syncRequests()).toHaveLength(sent - 2);
    expect((await bg.ledger()).events.map((e) => e.choice)).toEqual([SMOL, SKY]);
    // Hours later the clock is right: the slow retry gets it in.
    bg.clock.now = bg.nextAlarm();
    await bg.sync.kick('alarm');
    expect((await bg.votes.get()).sync).toEqual({ state: 'counted' });
    expect(bg.service.tally().counts[SKY]).toBe(1);
  });

  test('a refused vote never wedges the queue: a later vote passes it by, and the refused one stays in the ledger', async () => {
    const bg = background();
    await bg.vote(SMOL);
    const refuse = (id: string) => (r: { path: string; body: unknown }) =>
      r.path === '/v1/sync' &&
      (r.body as { events: { id: string }[] }).events.some((e) => e.id === id)
        ? { status: 422, code: 'unknown_tool' as const }
        : undefined;
    // Event ids: e00001 is the first vote (e00002 became the ledger's voter id).
    bg.service.failNext(refuse('e00003'));
    const refused = await bg.vote(SKY);
    expect(refused.sync.state === 'waiting' && refused.sync.problem).toMatch(
      /doesn't know the tool you picked/,
    );
    // The user votes again: [refused, new] is refused whole, split, the refused one set aside.
    bg.service.failNext(refuse('e00003'), refuse('e00003'));
    const state = await bg.vote(SMOL);
    expect(state.sync).toEqual({ state: 'counted' });
    const sizes = bg.service
      .syncRequests()
      .map((r) => (r.body as { events: unknown[] }).events.length);
    expect(sizes.slice(-3)).toEqual([2, 1, 1]);
    expect(bg.service.storedEvents(bg.onlyInstall()).map((e) => e.id)).toEqual([
      'e00001',
      'e00004',
    ]);
    expect((await bg.ledger()).events.map((e) => e.id)).toEqual(['e00001', 'e00003', 'e00004']);
    expect((await bg.status()).setAside).toEqual([{ id: 'e00003', code: 'unknown_tool' }]);
  });

  test('400 for a single event says it is a bug, and keeps the vote', async () => {
    const bg = background();
    bg.service.failNext(undefined, undefined, () => ({ status: 400, code: 'bad_request' }));
    const state = await bg.vote(SMOL);
    expect(state.sync.state === 'waiting' && state.sync.problem).toMatch(/malformed, a bug/);
    expect((await bg.ledger()).events).toHaveLength(1);
  });
});

describe('vote sync: device-only', () => {
  test('the switch in Options: the service is never contacted, and the popup says why', async () => {
    const bg = background();
    await bg.setSettings({ deviceOnly: true });
    const state = await bg.vote(SMOL);
    await bg.sync.kick('popup');
    await bg.sync.kick('startup');
    expect(bg.service.requests).toEqual([]);
    expect(state.scope).toBe('this-device');
    expect(state.sync).toEqual({ state: 'device-only', reason: 'user-choice' });
    expect(state.tally).toEqual({ counts: { [SMOL]: 1, [SKY]: 0 }, total: 1 });
  });

  test('a build without a service is device-only until one is set in Options', async () => {
    const bg = background({ defaultUrl: null });
    const state = await bg.vote(SKY);
    expect(bg.service.requests).toEqual([]);
    expect(state.sync).toEqual({ state: 'device-only', reason: 'no-service' });

    await bg.setSettings({ serviceUrl: URL_A });
    await bg.sync.kick('settings');
    expect((await bg.votes.get()).sync).toEqual({ state: 'counted' });
    expect(bg.service.tally().counts[SKY]).toBe(1);
  });

  test('switching device-only on cancels a pending retry', async () => {
    const bg = background();
    bg.service.setDown(true);
    await bg.vote(SMOL);
    expect(bg.alarm.at).not.toBeNull();
    await bg.setSettings({ deviceOnly: true });
    await bg.sync.kick('settings');
    expect(bg.alarm.at).toBeNull();
  });
});
