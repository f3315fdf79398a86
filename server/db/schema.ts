import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  index,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

/**
 * The vote service's tables. Everything a sync sends is here: the install id, and per event its
 * id, time and the tool picked. Nothing about pages, images, questions or IP addresses.
 */

/** One row per registered install; its live ballot is the newest event by (at, event id). */
export const installs = pgTable('installs', {
  id: text('id').primaryKey(),
  /** When the install registered (for spotting a flood of registrations). */
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /** The tool the ballot counts for; null when the install never voted or withdrew its vote. */
  ballotChoice: text('ballot_choice'),
  /** The (at, event id) of the event the ballot comes from, for last-writer-wins. */
  ballotAt: bigint('ballot_at', { mode: 'number' }),
  ballotEventId: text('ballot_event_id'),
  /**
   * The ballot's choice before its last move. A sync sets it from the row it updates, which
   * under concurrency is the latest committed version of the row, so the move's effect on the
   * tally is known exactly (RETURNING gives only the new values before PostgreSQL 18).
   */
  ballotPreviousChoice: text('ballot_previous_choice'),
});

/** Every event a client sent, stored once: a retried batch inserts nothing new. */
export const voteEvents = pgTable(
  'vote_events',
  {
    installId: text('install_id')
      .notNull()
      .references(() => installs.id),
    eventId: text('event_id').notNull(),
    /** The client's time of the vote, ms since the epoch. */
    at: bigint('at', { mode: 'number' }).notNull(),
    /** The tool picked, or null for a withdrawn vote. */
    choice: text('choice'),
  },
  (table) => [primaryKey({ columns: [table.installId, table.eventId] })],
);

/** Live ballots per tool, kept as counters in the sync's own transaction (cheap reads). */
export const tally = pgTable('tally', {
  choice: text('choice').primaryKey(),
  votes: bigint('votes', { mode: 'number' }).notNull().default(0),
});

/**
 * One row: bumped by every sync that moved a ballot. Caches compare it to know whether the
 * tally changed, and every process agrees on it, so it is also the tally's ETag.
 */
export const tallyVersion = pgTable(
  'tally_version',
  {
    id: smallint('id').primaryKey(),
    version: bigint('version', { mode: 'number' }).notNull(),
  },
  (table) => [check('tally_version_single_row', sql`${table.id} = 1`)],
);

/** Solved proof-of-work challenges, kept until they expire so that each works once. */
export const usedChallenges = pgTable(
  'used_challenges',
  {
    id: text('id').primaryKey(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('used_challenges_expires_at').on(table.expiresAt)],
);
