import { type Badge, type BadgeSurface, badgeForChoice, showBadge } from './badge';
import type { ToolId } from './comparison';
import { currentChoice, type LedgerEnv, recordChoice, type VoteLedger } from './vote-ledger';
import { deviceOnlyState, type VoteState } from './vote-state';
import { readLedger, type VoteLedgerItem } from './vote-storage';

export interface VoteServiceDeps {
  item: VoteLedgerItem;
  env: LedgerEnv;
  /** What the popup is told about a ledger; device-only unless the sync says more. */
  describe?: (ledger: VoteLedger) => Promise<VoteState>;
  /** Called after a vote changed the ledger (the sync sends it at once). */
  onRecorded?: () => void;
}

/** How the sync reads and moves the ledger's cursor: through the same single writer. */
export interface LedgerAccess {
  read(): Promise<VoteLedger>;
  update(change: (ledger: VoteLedger) => VoteLedger): Promise<VoteLedger>;
}

/**
 * The single writer of the vote ledger (it lives in the background). Writes are chained so
 * two quick clicks from two popups, or a click and a sync's acknowledgement, cannot read the
 * same ledger and drop one another's change.
 */
export function createVoteService({
  item,
  env,
  describe = async (ledger) => deviceOnlyState(ledger),
  onRecorded,
}: VoteServiceDeps) {
  let writes: Promise<unknown> = Promise.resolve();

  function update(change: (ledger: VoteLedger) => VoteLedger): Promise<VoteLedger> {
    const write = writes.then(async () => {
      const ledger = await readLedger(item);
      const next = change(ledger);
      if (next !== ledger) await item.setValue(next);
      return next;
    });
    writes = write.catch(() => undefined);
    return write;
  }

  async function record(choice: ToolId | null): Promise<VoteState> {
    let changed = false;
    const next = await update((ledger) => {
      const after = recordChoice(ledger, choice, env);
      changed = after !== ledger;
      return after;
    });
    if (changed) onRecorded?.();
    return describe(next);
  }

  const ledger: LedgerAccess = { read: () => readLedger(item), update };
  return {
    ledger,
    get: async (): Promise<VoteState> => describe(await readLedger(item)),
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
