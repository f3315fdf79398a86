import { sql } from 'drizzle-orm';
import { TOOL_IDS } from '../../src/verdicts/comparison';
import type { Tally } from '../../src/verdicts/vote-ledger';
import type { Database, SqlRunner } from './database';
import { installs, tally, voteEvents } from './schema';
import { tallyFromRows } from './votes-store';

export interface AcknowledgedEvent {
  installId: string;
  eventId: string;
}

export interface IntegrityReport {
  ok: boolean;
  storedEvents: number;
  /** Rows beyond the first for one (install, event): a retry stored twice. */
  duplicateEvents: number;
  /** Events a client was told were stored (acknowledged) but that are not there. */
  lostEvents: number;
  /** Installs whose ballot is not their newest event by (at, id). */
  wrongBallots: number;
  /** Votes the counters hold beyond the live ballots, and those they miss. */
  doubleCounted: number;
  undercounted: number;
  /** The tally recounted from the events themselves, and the counters the service serves. */
  liveBallots: Tally;
  counters: Tally;
}

/**
 * Checks the store against its own rules, from the events up: every stored event once, every
 * acknowledged event stored, each ballot the newest event of its install, and the counters
 * equal to the live ballots. Tests and the bench run it after their load.
 */
export function checkIntegrity(
  db: Database,
  acknowledged: readonly AcknowledgedEvent[] = [],
): Promise<IntegrityReport> {
  // One snapshot for every count, so syncs committing meanwhile cannot skew one against another.
  return db.transaction(async (tx) => {
    await tx.rows(sql`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`);
    return check(tx, acknowledged);
  });
}

async function check(
  db: SqlRunner,
  acknowledged: readonly AcknowledgedEvent[],
): Promise<IntegrityReport> {
  const [events] = await db.rows<{ stored: unknown; distinct_events: unknown }>(sql`
    SELECT count(*) AS stored, count(DISTINCT (install_id, event_id)) AS distinct_events
    FROM ${voteEvents}`);
  const storedEvents = Number(events?.stored ?? 0);
  const duplicateEvents = storedEvents - Number(events?.distinct_events ?? 0);

  let lostEvents = 0;
  if (acknowledged.length > 0) {
    const [lost] = await db.rows<{ lost: unknown }>(sql`
      SELECT count(*) AS lost
      FROM unnest(${sql.param(acknowledged.map((a) => a.installId))}::text[],
                  ${sql.param(acknowledged.map((a) => a.eventId))}::text[]) AS a(install_id, event_id)
      WHERE NOT EXISTS (
        SELECT 1 FROM ${voteEvents} AS e
        WHERE e.install_id = a.install_id AND e.event_id = a.event_id)`);
    lostEvents = Number(lost?.lost ?? 0);
  }

  const newest = sql`
    SELECT DISTINCT ON (install_id) install_id, event_id, at, choice
    FROM ${voteEvents}
    ORDER BY install_id, at DESC, event_id COLLATE "C" DESC`;
  const [ballots] = await db.rows<{ wrong: unknown }>(sql`
    SELECT count(*) AS wrong
    FROM ${installs} AS i
    LEFT JOIN (${newest}) AS n ON n.install_id = i.id
    WHERE i.ballot_event_id IS DISTINCT FROM n.event_id
       OR i.ballot_at IS DISTINCT FROM n.at
       OR i.ballot_choice IS DISTINCT FROM n.choice`);
  const live = await db.rows<{ choice: string | null; votes: unknown }>(sql`
    SELECT choice, count(*) AS votes FROM (${newest}) AS n
    WHERE choice IS NOT NULL GROUP BY choice`);
  const counted = await db.rows<{ choice: string | null; votes: unknown }>(sql`
    SELECT ${tally.choice} AS choice, ${tally.votes} AS votes FROM ${tally}`);

  const liveBallots = tallyFromRows(live);
  const counters = tallyFromRows(counted);
  let doubleCounted = 0;
  let undercounted = 0;
  for (const id of TOOL_IDS) {
    const difference = counters.counts[id] - liveBallots.counts[id];
    if (difference > 0) doubleCounted += difference;
    else undercounted -= difference;
  }
  const wrongBallots = Number(ballots?.wrong ?? 0);
  return {
    ok:
      duplicateEvents === 0 &&
      lostEvents === 0 &&
      wrongBallots === 0 &&
      doubleCounted === 0 &&
      undercounted === 0,
    storedEvents,
    duplicateEvents,
    lostEvents,
    wrongBallots,
    doubleCounted,
    undercounted,
    liveBallots,
    counters,
  };
}
