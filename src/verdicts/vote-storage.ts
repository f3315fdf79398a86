import { storage as defaultStorage, type WxtStorage } from '@wxt-dev/storage';
import * as v from 'valibot';
import { ToolIdSchema } from './comparison';
import { EMPTY_LEDGER, type VoteLedger, VoteLedgerSchema } from './vote-ledger';

export const VOTE_LEDGER_KEY = 'local:votes' as const;
export const VOTE_LEDGER_VERSION = 2;

/** Version 1 kept only the current pick; it had no event history to sync. */
export const VoteRecordV1Schema = v.object({
  pick: v.nullable(ToolIdSchema),
  pickedAt: v.number(),
});
export type VoteRecordV1 = v.InferOutput<typeof VoteRecordV1Schema>;

export function migrateV1ToV2(old: unknown): VoteLedger {
  const parsed = v.safeParse(VoteRecordV1Schema, old);
  if (!parsed.success || parsed.output.pick === null) return { ...EMPTY_LEDGER, events: [] };
  const { pick, pickedAt } = parsed.output;
  // Deterministic ids, so a migration that runs twice (two contexts at once) yields one vote.
  return {
    voterId: `migrated-v1-${pickedAt}`,
    events: [{ id: `migrated-v1-${pickedAt}`, at: pickedAt, choice: pick }],
    syncedCount: 0,
  };
}

export function defineVoteLedgerItem(storage: WxtStorage = defaultStorage) {
  return storage.defineItem<VoteLedger>(VOTE_LEDGER_KEY, {
    fallback: EMPTY_LEDGER,
    version: VOTE_LEDGER_VERSION,
    migrations: { 2: migrateV1ToV2 },
  });
}
export type VoteLedgerItem = ReturnType<typeof defineVoteLedgerItem>;

/** Reads the ledger, treating anything malformed as empty rather than crashing the popup. */
export async function readLedger(item: VoteLedgerItem): Promise<VoteLedger> {
  const parsed = v.safeParse(VoteLedgerSchema, await item.getValue());
  return parsed.success ? parsed.output : EMPTY_LEDGER;
}
