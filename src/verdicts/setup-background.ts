import { storage } from '@wxt-dev/storage';
import { browser } from 'wxt/browser';
import type { RequestHandlers } from '@/src/messaging/runtime-rpc';
import { solveAltcha } from './altcha-solver';
import type { BadgeSurface } from './badge';
import { createVoteService, keepBadgeOnPick } from './vote-service';
import { buildServiceUrl, defineVoteSettingsItem, type VoteSettingsItem } from './vote-settings';
import { defineVoteLedgerItem } from './vote-storage';
import { createVoteSync, type SyncScheduler, type SyncTrigger } from './vote-sync';
import { defineSyncItems } from './vote-sync-storage';

export const SYNC_ALARM = 'glimpse-vote-sync';

interface AlarmsApi {
  create(name: string, info: { when: number }): Promise<void> | void;
  clear(name: string): Promise<boolean>;
  onAlarm: { addListener(cb: (alarm: { name: string }) => void): void };
}

/** The sync's retry schedule as one named alarm (browser.alarms outlives the worker). */
export function alarmScheduler(alarms: AlarmsApi): SyncScheduler {
  return {
    wakeAt: async (when) => {
      await alarms.create(SYNC_ALARM, { when });
    },
    cancel: async () => {
      await alarms.clear(SYNC_ALARM);
    },
  };
}

export interface SyncTriggerSources {
  alarms: Pick<AlarmsApi, 'onAlarm'>;
  onStartup: { addListener(cb: () => void): void };
  onInstalled: { addListener(cb: () => void): void };
  /** The worker's `online` event. */
  onOnline: (cb: () => void) => void;
  settings: VoteSettingsItem;
}

/** Every event that should (re)start a sync. Listeners are added synchronously, as MV3 needs. */
export function connectSyncTriggers(
  kick: (trigger: SyncTrigger) => unknown,
  sources: SyncTriggerSources,
): void {
  sources.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === SYNC_ALARM) void kick('alarm');
  });
  sources.onStartup.addListener(() => void kick('startup'));
  sources.onInstalled.addListener(() => void kick('startup'));
  sources.onOnline(() => void kick('online'));
  sources.settings.watch(() => void kick('settings'));
  // The worker just woke: resume a retry whose alarm may have been lost with a browser restart.
  void kick('wake');
}

/** Votes in the background: the ledger's only writer, its sync, and the badge's keeper. */
export function setupVotes(
  action: BadgeSurface = browser.action,
): Pick<RequestHandlers, 'votes/get' | 'votes/cast' | 'votes/withdraw' | 'votes/sync-now'> {
  const item = defineVoteLedgerItem();
  const settings = defineVoteSettingsItem();
  const votes = createVoteService({
    item,
    env: { now: () => Date.now(), newId: () => crypto.randomUUID() },
    describe: (ledger) => sync.describe(ledger),
    onRecorded: () => void sync.kick('vote'),
  });
  const sync = createVoteSync({
    ledger: votes.ledger,
    items: defineSyncItems(storage),
    settings,
    defaultServiceUrl: buildServiceUrl(import.meta.env.GLIMPSE_VOTE_SERVICE_URL),
    fetch: (input, init) => fetch(input, init),
    now: () => Date.now(),
    random: () => Math.random(),
    isOnline: () => navigator.onLine,
    scheduler: alarmScheduler(browser.alarms),
    solve: solveAltcha,
  });
  connectSyncTriggers((trigger) => sync.kick(trigger), {
    alarms: browser.alarms,
    onStartup: browser.runtime.onStartup,
    onInstalled: browser.runtime.onInstalled,
    onOnline: (cb) => globalThis.addEventListener('online', cb),
    settings,
  });
  void keepBadgeOnPick(item, action);
  return {
    'votes/get': () => votes.get(),
    'votes/cast': ({ choice }) => votes.cast(choice),
    'votes/withdraw': () => votes.withdraw(),
    // The popup opened. Its answer doesn't wait for the network: the popup watches storage.
    'votes/sync-now': async () => {
      void sync.kick('popup');
      return { started: true };
    },
  };
}
