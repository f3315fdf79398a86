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
 * Applies several sync requests at once (a group commit), in one statement, so one round trip
 * and one commit serve them all:
 * 1. lock the installs' rows in id order (concurrent batches cannot deadlock), which also
 *    tells which installs exist;
 * 2. insert every event, ON CONFLICT (install_id, event_id) DO NOTHING: a retry adds nothing;
 * 3. move each install's ballot to its newest inserted event, only if that is newer by (at, id).
 *    The comparison and ballot_previous_choice read the row being updated, which PostgreSQL
 *    re-reads at its latest committed version when another transaction changed it meanwhile
 *    (READ COMMITTED), so concurrent processes cannot lose a move;
 * 4. if any ballot moved: bump the version row, then add the moves to every tool's counter
 *    (in that order, after the installs), and return the new counts.
 * Nothing is acknowledged before the statement has committed.
 */
export async function applySyncBatch(
  db: SqlRunner,
  work: readonly SyncWork[],
): Promise<SyncBatchResult> {
  const installIds = [...new Set(work.map((w) => w.installId))];
  const eventInstall: string[] = [];
  const eventId: string[] = [];
  const eventAt: number[] = [];
  const eventChoice: (string | null)[] = [];
  for (const { installId, events } of work) {
    for (const event of events) {
      eventInstall.push(installId);
      eventId.push(event.id);
      eventAt.push(event.at);
      eventChoice.push(event.choice);
    }
  }
  const rows = await db.rows<{
    kind: 'known' | 'version' | 'count';
    name: string | null;
    value: unknown;
  }>(
    sql`
    WITH locked AS (
      SELECT id FROM ${installs}
      WHERE id = ANY(${sql.param(installIds)}::text[])
      ORDER BY id COLLATE "C"
      FOR UPDATE
    ), inserted AS (
      INSERT INTO ${voteEvents} (install_id, event_id, at, choice)
      SELECT e.install_id, e.event_id, e.at, e.choice
      FROM unnest(
        ${sql.param(eventInstall)}::text[], ${sql.param(eventId)}::text[],
        ${sql.param(eventAt)}::bigint[], ${sql.param(eventChoice)}::text[]
      ) WITH ORDINALITY AS e(install_id, event_id, at, choice, position)
      WHERE e.install_id IN (SELECT id FROM locked)
      ORDER BY e.position
      ON CONFLICT DO NOTHING
      RETURNING install_id, event_id, at, choice
    ), newest AS (
      SELECT DISTINCT ON (install_id) install_id, event_id, at, choice
      FROM inserted
      ORDER BY install_id, at DESC, event_id COLLATE "C" DESC
    ), moved AS (
      UPDATE ${installs} AS i
      SET ballot_previous_choice = i.ballot_choice,
          ballot_choice = n.choice, ballot_at = n.at, ballot_event_id = n.event_id
      FROM newest AS n
      WHERE i.id = n.install_id
        AND (i.ballot_at IS NULL
          OR (n.at, n.event_id COLLATE "C") > (i.ballot_at, i.ballot_event_id COLLATE "C"))
      RETURNING i.ballot_previous_choice AS before, i.ballot_choice AS after
    ), deltas AS (
      SELECT choice, sum(change) AS change FROM (
        SELECT before AS choice, -1 AS change FROM moved
        WHERE before IS NOT NULL AND before IS DISTINCT FROM after
        UNION ALL
        SELECT after, 1 FROM moved
        WHERE after IS NOT NULL AND before IS DISTINCT FROM after
      ) AS each_move
      GROUP BY choice
      HAVING sum(change) <> 0
    ), bumped AS (
      INSERT INTO ${tallyVersion} (id, version)
      SELECT 1, 1 WHERE EXISTS (SELECT 1 FROM deltas)
      ON CONFLICT (id) DO UPDATE SET version = ${tallyVersion}.version + 1
      RETURNING version
    ), counted AS (
      -- Every tool's row (zero for the unchanged), so the new counts come back whole; the
      -- join on bumped makes the version row's lock come first.
      INSERT INTO ${tally} (choice, votes)
      SELECT tool.choice, coalesce(d.change, 0)
      FROM bumped, unnest(${sql.param([...TOOL_IDS].sort())}::text[]) AS tool(choice)
      LEFT JOIN deltas AS d ON d.choice = tool.choice
      ORDER BY tool.choice
      ON CONFLICT (choice) DO UPDATE SET votes = ${tally}.votes + excluded.votes
      RETURNING choice, votes
    )
    SELECT 'known' AS kind, id AS name, NULL::bigint AS value FROM locked
    UNION ALL
    SELECT 'version', NULL, coalesce(
      (SELECT version FROM bumped),
      (SELECT version FROM ${tallyVersion} WHERE id = 1),
      0)
    UNION ALL
    SELECT 'count', choice, votes FROM counted
    UNION ALL
    SELECT 'count', choice, votes FROM ${tally} WHERE NOT EXISTS (SELECT 1 FROM counted)`,
    { prepare: 'glimpse_apply_sync_batch' },
  );

  const known = new Set<string>();
  const counts: { choice: string | null; votes: unknown }[] = [];
  let version = 0;
  for (const row of rows) {
    if (row.kind === 'known' && row.name !== null) known.add(row.name);
    else if (row.kind === 'version') version = Number(row.value);
    else if (row.kind === 'count') counts.push({ choice: row.name, votes: row.value });
  }
  const outcomes: SyncOutcome[] = work.map(({ installId, events }) => {
    const last = events.at(-1);
    return known.has(installId) && last
      ? { stored: true, ackedThrough: last.id }
      : { stored: false };
  });
  return { version, tally: tallyFromRows(counts), outcomes };
}
