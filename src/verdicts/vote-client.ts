import { t } from '@/src/i18n/i18n';
import { sendRequest } from '@/src/messaging/runtime-rpc';
import { UserFacingError } from '@/src/messaging/user-error';
import type { VoteClient } from './verdict-model';
import { defineVoteSettingsItem } from './vote-settings';
import { parseVoteState, type VoteState } from './vote-state';
import { defineVoteLedgerItem } from './vote-storage';
import { defineSyncItems } from './vote-sync-storage';

async function checked(reply: Promise<unknown>): Promise<VoteState> {
  const state = parseVoteState(await reply);
  if (!state) throw new UserFacingError(t('verdicts.unknownAnswer'));
  return state;
}

/**
 * Votes go through the background (the ledger's single writer, and the sync). The popup
 * follows every item a change shows in: the ledger, the tally, the sync's status, the settings.
 */
export function createRuntimeVoteClient(): VoteClient {
  const sync = defineSyncItems();
  const watched = [
    defineVoteLedgerItem(),
    sync.tally,
    sync.status,
    sync.installs,
    defineVoteSettingsItem(),
  ];
  return {
    get: () => checked(sendRequest({ type: 'votes/get' })),
    cast: (choice) => checked(sendRequest({ type: 'votes/cast', choice })),
    withdraw: () => checked(sendRequest({ type: 'votes/withdraw' })),
    syncNow: async () => {
      await sendRequest({ type: 'votes/sync-now' });
    },
    subscribe: (onChange) => {
      const stops = watched.map((item) => item.watch(() => onChange()));
      return () => {
        for (const stop of stops) stop();
      };
    },
  };
}
