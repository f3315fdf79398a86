import { sendRequest } from '@/src/messaging/runtime-rpc';
import type { VoteClient } from './verdict-model';
import { defineVoteLedgerItem } from './vote-storage';

/** Votes go through the background (the ledger's single writer); changes are watched in storage. */
export function createRuntimeVoteClient(): VoteClient {
  const item = defineVoteLedgerItem();
  return {
    get: () => sendRequest({ type: 'votes/get' }),
    cast: (choice) => sendRequest({ type: 'votes/cast', choice }),
    withdraw: () => sendRequest({ type: 'votes/withdraw' }),
    subscribe: (onChange) => item.watch(() => onChange()),
  };
}
