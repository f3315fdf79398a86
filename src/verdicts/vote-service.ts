import { type Badge, type BadgeSurface, badgeForChoice, showBadge } from './badge';
import type { ToolId } from './comparison';
import {
  currentChoice,
  type LedgerEnv,
  recordChoice,
  type VoteState,
  voteStateOf,
} from './vote-ledger';
import { readLedger, type VoteLedgerItem } from './vote-storage';

export interface VoteServiceDeps {
  item: VoteLedgerItem;
  env: LedgerEnv;
}

/**
 * The single writer of the vote ledger (it lives in the background). Writes are chained so
 * two quick clicks from two popups cannot read the same ledger and drop one event.
 */
export function createVoteService({ item, env }: VoteServiceDeps) {
  let writes: Promise<unknown> = Promise.resolve();

  function record(choice: ToolId | null): Promise<VoteState> {
    const write = writes.then(async () => {
      const ledger = await readLedger(item);
      const next = recordChoice(ledger, choice, env);
      if (next !== ledger) await item.setValue(next);
      return voteStateOf(next);
    });
    writes = write.catch(() => undefined);
    return write;
  }

  return {
    get: async (): Promise<VoteState> => voteStateOf(await readLedger(item)),
    cast: (choice: ToolId) => record(choice),
    withdraw: () => record(null),
  };
}
export type VoteService = ReturnType<typeof createVoteService>;

/** Keeps the toolbar badge on the user's pick, whichever context changed the vote. */
export async function keepBadgeOnPick(
  item: VoteLedgerItem,
  action: BadgeSurface,
): Promise<() => void> {
  let shown: Badge | undefined;
  const show = async (badge: Badge) => {
    if (badge === shown) return;
    shown = badge;
    await showBadge(action, badge);
  };
  const unwatch = item.watch((ledger) => void show(badgeForChoice(currentChoice(ledger))));
  await show(badgeForChoice(currentChoice(await readLedger(item))));
  return unwatch;
}
