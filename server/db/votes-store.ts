import { sql } from 'drizzle-orm';
import { TOOL_IDS, type ToolId } from '../../src/verdicts/comparison';
import type { SyncEvent } from '../../src/verdicts/sync-protocol';
import type { Tally } from '../../src/verdicts/vote-ledger';
import type { Database, SqlRunner } from './database';
import { installs, tally, tallyVersion, usedChallenges, voteEvents } from './schema';

/**
 * Every statement the service runs. Event ids compare with COLLATE "C" (byte order), so that
 * last-writer-wins on (at, id) is the same on every database whatever its default collation.
 */

export interface TallySnapshot {
  /** Bumped by every transaction that moved a ballot; 0 before the first vote. */
  version: number;
  tally: Tally;
}

/** Counts for the known tools, from the counter rows. */
export function tallyFromRows(rows: readonly { choice: string | null; votes: unknown }[]): Tally {
  const counts = Object.fromEntries(TOOL_IDS.map((id) => [id, 0])) as Record<ToolId, number>;
  let total = 0;
  for (const row of rows) {
    if (row.choice === null || !(TOOL_IDS as readonly string[]).includes(row.choice)) continue;
    const votes = Number(row.votes);
    counts[row.choice as ToolId] = votes;
    total += votes;
  }
  return { counts, total };
}

export async function readTally(db: SqlRunner): Promise<TallySnapshot> {
  // One statement, so the version and the counts come from the same snapshot.
  const rows = await db.rows<{ version: unknown; choice: string | null; votes: unknown }>(sql`
    SELECT coalesce((SELECT ${tallyVersion.version} FROM ${tallyVersion} WHERE ${tallyVersion.id} = 1), 0) AS version,
           t.choice, t.votes
    FROM (SELECT 1) AS one
    LEFT JOIN (SELECT ${tally.choice} AS choice, ${tally.votes} AS votes FROM ${tally}) AS t ON true`);
  return { version: Number(rows[0]?.version ?? 0), tally: tallyFromRows(rows) };
}

export async function ping(db: SqlRunner): Promise<void> {
  await db.rows(sql`SELECT 1 AS up`);
}

export type RegisterOutcome = 'registered' | 'challenge_used';

/**
 * Creates an install, spending its proof-of-work challenge in the same transaction: a
 * challenge already spent (by any process) registers nothing.
 */
export async function registerInstall(
  db: Database,
  install: { installId: string; challengeId: string; challengeExpiresAt: Date },
): Promise<RegisterOutcome> {
  return db.transaction(async (tx) => {
    await tx.rows(sql`DELETE FROM ${usedChallenges} WHERE ${usedChallenges.expiresAt} < now()`);
    const spent = await tx.rows<{ id: string }>(sql`
      INSERT INTO ${usedChallenges} (id, expires_at)
      VALUES (${install.challengeId}, ${install.challengeExpiresAt.toISOString()})
      ON CONFLICT DO NOTHING
      RETURNING ${usedChallenges.id} AS id`);
    if (spent.length === 0) return 'challenge_used';
    await tx.rows(sql`INSERT INTO ${installs} (id) VALUES (${install.installId})`);
    return 'registered';
  });
}

export async function installExists(db: SqlRunner, installId: string): Promise<boolean> {
  const rows = await db.rows(
    sql`SELECT 1 AS found FROM ${installs} WHERE ${installs.id} = ${installId}`,
  );
  return rows.length > 0;
}

/** One request's part of a batch; its events are already validated. */
export interface SyncWork {
  installId: string;
  events: readonly SyncEvent[];
}

export type SyncOutcome = { stored: true; ackedThrough: string } | { stored: false };

export interface SyncBatchResult extends TallySnapshot {
  /** Per request, in order: stored, or not because its install does not exist. */
  outcomes: SyncOutcome[];
}

/**
 * Applies several sync requests in one transaction (a group commit):
 * 1. lock the installs' rows, in id order (so concurrent batches cannot deadlock);
 * 2. insert every event, ON CONFLICT (install_id, event_id) DO NOTHING, so a retry adds nothing;
 * 3. move each install's ballot to its newest inserted event, only if that is newer by (at, id);
 * 4. apply the ballots' moves to the tally counters, after taking the version row's lock.
 * Nothing is acknowledged before this transaction commits.
 */
export async function applySyncBatch(
  db: Database,
  work: readonly SyncWork[],
): Promise<SyncBatchResult> {
  const installIds = [...new Set(work.map((w) => w.installId))].sort();
  return db.transaction(async (tx) => {
    const locked = await tx.rows<{ id: string }>(sql`
      SELECT ${installs.id} AS id FROM ${installs}
      WHERE ${installs.id} = ANY(${sql.param(installIds)}::text[])
      ORDER BY ${installs.id} COLLATE "C"
      FOR UPDATE`);
    const known = new Set(locked.map((row) => row.id));

    const eventInstall: string[] = [];
    const eventId: string[] = [];
    const eventAt: number[] = [];
    const eventChoice: (string | null)[] = [];
    for (const { installId, events } of work) {
      if (!known.has(installId)) continue;
      for (const event of events) {
        eventInstall.push(installId);
        eventId.push(event.id);
        eventAt.push(event.at);
        eventChoice.push(event.choice);
      }
    }

    if (eventId.length > 0) {
      const moves = await tx.rows<{ before: string | null; after: string | null }>(sql`
        WITH inserted AS (
          INSERT INTO ${voteEvents} (install_id, event_id, at, choice)
          SELECT * FROM unnest(
            ${sql.param(eventInstall)}::text[], ${sql.param(eventId)}::text[],
            ${sql.param(eventAt)}::bigint[], ${sql.param(eventChoice)}::text[])
          ON CONFLICT DO NOTHING
          RETURNING install_id, event_id, at, choice
        ), newest AS (
          SELECT DISTINCT ON (install_id) install_id, event_id, at, choice
          FROM inserted
          ORDER BY install_id, at DESC, event_id COLLATE "C" DESC
        )
        UPDATE ${installs} AS i
        SET ballot_choice = n.choice, ballot_at = n.at, ballot_event_id = n.event_id
        FROM newest AS n, ${installs} AS old
        WHERE i.id = n.install_id AND old.id = n.install_id
          AND (old.ballot_at IS NULL
            OR (n.at, n.event_id COLLATE "C") > (old.ballot_at, old.ballot_event_id COLLATE "C"))
        RETURNING old.ballot_choice AS before, i.ballot_choice AS after`);

      const delta = new Map<string, number>();
      for (const { before, after } of moves) {
        if (before === after) continue;
        if (before !== null) delta.set(before, (delta.get(before) ?? 0) - 1);
        if (after !== null) delta.set(after, (delta.get(after) ?? 0) + 1);
      }
      const changed = [...delta].filter(([, d]) => d !== 0).sort(([a], [b]) => (a < b ? -1 : 1));
      if (changed.length > 0) {
        // The version row first: every batch takes it before the counters, in one order.
        await tx.rows(sql`
          INSERT INTO ${tallyVersion} (id, version) VALUES (1, 1)
          ON CONFLICT (id) DO UPDATE SET version = ${tallyVersion}.version + 1`);
        await tx.rows(sql`
          INSERT INTO ${tally} (choice, votes)
          SELECT * FROM unnest(
            ${sql.param(changed.map(([choice]) => choice))}::text[],
            ${sql.param(changed.map(([, d]) => d))}::bigint[])
          ON CONFLICT (choice) DO UPDATE SET votes = ${tally}.votes + excluded.votes`);
      }
    }

    const snapshot = await readTally(tx);
    const outcomes: SyncOutcome[] = work.map(({ installId, events }) => {
      const last = events.at(-1);
      return known.has(installId) && last
        ? { stored: true, ackedThrough: last.id }
        : { stored: false };
    });
    return { ...snapshot, outcomes };
  });
}
