import { browser } from 'wxt/browser';
import type { RequestHandlers } from '@/src/messaging/runtime-rpc';
import type { BadgeSurface } from './badge';
import { createVoteService, keepBadgeOnPick } from './vote-service';
import { defineVoteLedgerItem } from './vote-storage';

/** Votes in the background: the ledger's only writer, and the badge's keeper. */
export function setupVotes(
  action: BadgeSurface = browser.action,
): Pick<RequestHandlers, 'votes/get' | 'votes/cast' | 'votes/withdraw'> {
  const item = defineVoteLedgerItem();
  const votes = createVoteService({
    item,
    env: { now: () => Date.now(), newId: () => crypto.randomUUID() },
  });
  void keepBadgeOnPick(item, action);
  return {
    'votes/get': () => votes.get(),
    'votes/cast': ({ choice }) => votes.cast(choice),
    'votes/withdraw': () => votes.withdraw(),
  };
}
