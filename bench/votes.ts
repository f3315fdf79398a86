/**
 * `npm run bench:votes`: the vote service under load, on PGlite and on PostgreSQL, with the real
 * server process (`server/main.ts`) and autocannon on loopback.
 *
 *   npm run bench:votes                          both databases (a few minutes)
 *   npm run bench:votes -- --backends postgres   one of them
 *   npm run bench:votes -- --seconds 5           shorter steps
 *   npm run bench:votes -- --smoke               a quick pass (part of npm test); figures mean nothing
 *
 * - Syncs: single-event syncs with fresh event ids from pre-registered installs, at a fixed
 *   arrival rate (autocannon's overallRate, latencies corrected for coordinated omission),
 *   stepped up until a step misses p99 ≤ 100 ms, errors, or falls behind its rate.
 * - After every load run, checkIntegrity on the database: every acknowledged event stored
 *   once, and the tally equal to the live ballots.
 * - Tally reads: GET /v1/tally as fast as autocannon can send them.
 * - PostgreSQL only: two server processes on one database at once, which must count the same.
 *
 * Registrations use a trivial proof of work here (GLIMPSE_POW_COST=1) so that pre-registering
 * thousands of installs takes seconds; the rate limits are lifted for the same reason.
 * Results: bench/results/<date>-votes.json and latest-votes.md.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon, { type AutocannonResult } from 'autocannon';
import { sql } from 'drizzle-orm';
import { startTestPostgres, type TestPostgres } from '../scripts/lib/embedded-postgres';
import { spawnVoteServer, type VoteServerProcess } from '../scripts/lib/vote-server';
import type { Database } from '../server/db/database';
import {
  type AcknowledgedEvent,
  checkIntegrity,
  type IntegrityReport,
} from '../server/db/integrity';
import { openPglite } from '../server/db/pglite';
import { openPostgres } from '../server/db/postgres';
import { register } from '../server/tests/support/client';
import { preparePgliteTemplate } from '../server/tests/support/pglite-template';
import { TOOL_IDS } from '../src/verdicts/comparison';
import type { RegisterResponse, SyncResponse, TallyResponse } from '../src/verdicts/sync-protocol';
import { type Headline, markdown, P99_LIMIT_MS, TARGETS } from './lib/votes-report';

const ROOT = resolve(import.meta.dirname, '..');

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    backends: { type: 'string' },
    seconds: { type: 'string' },
    out: { type: 'string' },
  },
});
const smoke = args.smoke ?? false;
type Backend = 'postgres' | 'pglite';
const backends = (args.backends ?? 'postgres,pglite').split(',') as Backend[];
for (const backend of backends) {
  if (backend !== 'postgres' && backend !== 'pglite')
    throw new Error(`Unknown backend: ${backend}`);
}
const seconds = Number(args.seconds ?? (smoke ? 2 : 10));
const outDir = resolve(ROOT, args.out ?? (smoke ? 'test-artifacts/bench' : 'bench/results'));
const installCount = smoke ? 40 : 1_000;
const RATES: Record<Backend, number[]> = smoke
  ? { postgres: [100], pglite: [100] }
  : {
      postgres: [1_000, 1_500, 2_000, 2_500, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000, 10_000],
      pglite: [500, 750, 1_000, 1_250, 1_500, 2_000, 2_500, 3_000, 4_000],
    };

const SERVER_ENV = {
  GLIMPSE_SECRET: randomBytes(32).toString('hex'),
  GLIMPSE_POW_COST: '1',
  GLIMPSE_POW_ATTEMPTS: '2',
  GLIMPSE_REGISTER_LIMIT: '1000000000',
  GLIMPSE_CHALLENGE_LIMIT: '1000000000',
  GLIMPSE_SYNC_LIMIT: '1000000000',
  // One line per 5 s with the group commit's figures (transactions, syncs each, ms each).
  GLIMPSE_LOG_BATCHES: '1',
};

const log = (line: string) => console.log(`[bench:votes] ${line}`);
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const load = () => loadavg().map((v) => round(v, 2));

interface SyncRun {
  rate: number;
  connections: number;
  seconds: number;
  achieved_per_s: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  errors: number;
  non2xx: number;
  acknowledged: number;
  pass: boolean;
  loadavg_before: number[];
  /** The group commit during the run: syncs per transaction and ms per transaction. */
  syncs_per_transaction: number | null;
  ms_per_transaction: number | null;
  slowest_transaction_ms: number | null;
  event_loop_delay_p99_ms: number | null;
  event_loop_delay_max_ms: number | null;
  integrity: Omit<IntegrityReport, 'liveBallots' | 'counters'>;
}

function summarizeRun(rate: number, connections: number, result: AutocannonResult) {
  const completed = result.requests.total;
  const achieved = completed / result.duration;
  const pass =
    result.latency.p99 <= P99_LIMIT_MS &&
    result.errors === 0 &&
    result.non2xx === 0 &&
    achieved >= rate * 0.95;
  return {
    rate,
    connections,
    seconds: round(result.duration, 2),
    achieved_per_s: round(achieved),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    max_ms: result.latency.max,
    errors: result.errors,
    non2xx: result.non2xx,
    pass,
  };
}

/** Fixed-rate single-event syncs, each install in turn; records what the service acknowledged. */
async function syncLoad(
  url: string,
  installs: readonly RegisterResponse[],
  rate: number,
  durationSeconds: number,
): Promise<{ result: AutocannonResult; acked: AcknowledgedEvent[]; connections: number }> {
  const acked: AcknowledgedEvent[] = [];
  let next = 0;
  // Enough connections for the rate at 50 ms each, but fewer than installs, so that one install
  // never has two syncs in flight (a real client sends its ledger in order).
  const connections = Math.min(Math.max(16, Math.ceil(rate / 20)), 256, installs.length);
  const result = await autocannon({
    url,
    connections,
    duration: durationSeconds,
    overallRate: rate,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: '/v1/sync',
        setupRequest: (request, context) => {
          const install = installs[next++ % installs.length] as RegisterResponse;
          const event = {
            id: randomUUID(),
            at: Date.now(),
            choice: TOOL_IDS[Math.floor(Math.random() * TOOL_IDS.length)] ?? null,
          };
          context.installId = install.installId;
          context.eventId = event.id;
          return {
            ...request,
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${install.token}`,
            },
            body: JSON.stringify({ installId: install.installId, events: [event] }),
          };
        },
        onResponse: (status, body, context) => {
          if (status !== 200) return;
          const answer = JSON.parse(body) as SyncResponse;
          if (answer.ackedThrough === context.eventId) {
            acked.push({ installId: String(context.installId), eventId: String(context.eventId) });
          }
        },
      },
    ],
  });
  return { result, acked, connections };
}

async function tallyReads(url: string, durationSeconds: number) {
  const result = await autocannon({
    url: `${url}/v1/tally`,
    connections: 64,
    duration: durationSeconds,
  });
  return {
    reads_per_s: round(result.requests.total / result.duration),
    p99_ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    loadavg_after: load(),
  };
}

async function registerMany(url: string, count: number): Promise<RegisterResponse[]> {
  const installs: RegisterResponse[] = [];
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (installs.length < count) installs.push(await register(url));
    }),
  );
  return installs.slice(0, count);
}

/** One database with its server process(es), and a way to check the store after a run. */
interface Bed {
  url(): string;
  /** Whether `check` restarts the server (which then needs warming up again). */
  restartsOnCheck: boolean;
  /** The server process's output so far (its batch lines). */
  output(): string;
  /** checkIntegrity; PGlite's folder is single-process, so its server stops for the check. */
  check(acked: readonly AcknowledgedEvent[]): Promise<IntegrityReport>;
  close(): Promise<void>;
  describe(): Promise<Record<string, unknown>>;
}

async function pgliteBed(): Promise<Bed> {
  const dataDir = mkdtempSync(join(tmpdir(), 'glimpse-bench-pglite-'));
  cpSync(await preparePgliteTemplate(), dataDir, { recursive: true });
  const env = { ...SERVER_ENV, GLIMPSE_DATA_DIR: dataDir };
  let server: VoteServerProcess = await spawnVoteServer(env);
  return {
    url: () => server.url,
    restartsOnCheck: true,
    output: () => server.output(),
    async check(acked) {
      await server.stop();
      const db = await openPglite(dataDir);
      try {
        return await checkIntegrity(db, acked);
      } finally {
        await db.close();
        server = await spawnVoteServer(env);
      }
    },
    async close() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
    describe: async () => ({ database: 'PGlite 0.5.16 (PostgreSQL 18, WASM), on disk, fsync off' }),
  };
}

async function postgresBed(): Promise<
  Bed & { cluster: TestPostgres; databaseUrl: string; env: Record<string, string> }
> {
  const cluster = await startTestPostgres();
  const databaseUrl = await cluster.createDatabase('votes_bench');
  const dataDir = mkdtempSync(join(tmpdir(), 'glimpse-bench-pg-'));
  const env = { ...SERVER_ENV, GLIMPSE_DATA_DIR: dataDir, DATABASE_URL: databaseUrl };
  const server = await spawnVoteServer(env);
  const db: Database = await openPostgres({ url: databaseUrl, poolSize: 2 });
  return {
    cluster,
    databaseUrl,
    env,
    url: () => server.url,
    restartsOnCheck: false,
    output: () => server.output(),
    check: (acked) => checkIntegrity(db, acked),
    async close() {
      await server.stop();
      await db.close();
      await cluster.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
    async describe() {
      const [row] = await db.rows<{
        version: string;
        fsync: string;
        synchronous_commit: string;
      }>(sql`
        SELECT version() AS version, current_setting('fsync') AS fsync,
               current_setting('synchronous_commit') AS synchronous_commit`);
      return {
        database: row?.version,
        fsync: row?.fsync,
        synchronous_commit: row?.synchronous_commit,
      };
    },
  };
}

/** Averages the server's `batches:` lines printed since `from` (the worst of their maxima). */
function batchFigures(output: string, from: number) {
  let transactions = 0;
  let syncs = 0;
  let ms = 0;
  let slowest = 0;
  let loopP99 = 0;
  let loopMax = 0;
  const line =
    /batches: (\d+) transactions, ([\d.]+) syncs each, ([\d.]+) ms each, slowest (\d+) ms; event loop delay p99 (\d+) ms, max (\d+) ms/g;
  for (const match of output.slice(from).matchAll(line)) {
    const count = Number(match[1]);
    transactions += count;
    syncs += count * Number(match[2]);
    ms += count * Number(match[3]);
    slowest = Math.max(slowest, Number(match[4]));
    loopP99 = Math.max(loopP99, Number(match[5]));
    loopMax = Math.max(loopMax, Number(match[6]));
  }
  return transactions === 0
    ? {
        syncs_per_transaction: null,
        ms_per_transaction: null,
        slowest_transaction_ms: null,
        event_loop_delay_p99_ms: null,
        event_loop_delay_max_ms: null,
      }
    : {
        syncs_per_transaction: round(syncs / transactions),
        ms_per_transaction: round(ms / transactions),
        slowest_transaction_ms: slowest,
        event_loop_delay_p99_ms: loopP99,
        event_loop_delay_max_ms: loopMax,
      };
}

function withoutTallies({ liveBallots: _l, counters: _c, ...rest }: IntegrityReport) {
  return rest;
}

/** Warm-up (JIT, connections, caches) at a low rate: not a measured run, but checked too. */
async function warmUp(
  bed: Bed,
  installs: readonly RegisterResponse[],
): Promise<AcknowledgedEvent[]> {
  return (await syncLoad(bed.url(), installs, 200, smoke ? 1 : 3)).acked;
}

async function stepUp(
  backend: Backend,
  bed: Bed,
  installs: readonly RegisterResponse[],
  warmedUp: AcknowledgedEvent[],
) {
  const runs: SyncRun[] = [];
  let best = 0;
  // Acknowledged by warm-ups since the last check; the next check covers them too.
  let carried = warmedUp;
  for (const rate of RATES[backend]) {
    let passed = false;
    // A step that fails is run once more: the machine is shared, and one stall is not a limit.
    for (let attempt = 0; attempt < 2 && !passed; attempt++) {
      const loadBefore = load();
      const outputFrom = bed.output().length;
      const { result, acked, connections } = await syncLoad(bed.url(), installs, rate, seconds);
      // The server logs every 5 s: wait for the line covering the run's end (not worth it in a smoke run).
      if (!smoke) await new Promise((r) => setTimeout(r, 5_100));
      const batches = batchFigures(bed.output(), outputFrom);
      const integrity = await bed.check([...carried, ...acked]);
      carried = bed.restartsOnCheck ? await warmUp(bed, installs) : [];
      const run: SyncRun = {
        ...summarizeRun(rate, connections, result),
        acknowledged: acked.length,
        loadavg_before: loadBefore,
        ...batches,
        integrity: withoutTallies(integrity),
      };
      runs.push(run);
      passed = run.pass;
      log(
        `${backend} ${rate}/s: ${run.achieved_per_s}/s, p99 ${run.p99_ms} ms, errors ${run.errors}, ` +
          `non-2xx ${run.non2xx}, acked ${run.acknowledged}, ${run.syncs_per_transaction} syncs/tx in ${run.ms_per_transaction} ms ` +
          `(slowest ${run.slowest_transaction_ms}), loop delay p99 ${run.event_loop_delay_p99_ms} max ${run.event_loop_delay_max_ms} ms, ` +
          `integrity ${integrity.ok ? 'ok' : 'FAILED'}` +
          `${run.pass ? '' : ' (miss)'}; load ${loadBefore.join(' ')}`,
      );
    }
    if (!passed) break;
    best = rate;
  }
  return { best, runs, carried };
}

/** Two processes on one PostgreSQL at once: each takes half the rate; both must count the same. */
async function twoProcesses(
  bed: Awaited<ReturnType<typeof postgresBed>>,
  installs: readonly RegisterResponse[],
  rate: number,
) {
  const second = await spawnVoteServer(bed.env);
  try {
    const halves = [installs.filter((_, i) => i % 2 === 0), installs.filter((_, i) => i % 2 === 1)];
    // The new process warms up first, like the first one did.
    const warm = await syncLoad(second.url, halves[1] ?? [], 200, smoke ? 1 : 3);
    const [a, b] = await Promise.all([
      syncLoad(bed.url(), halves[0] ?? [], rate / 2, seconds),
      syncLoad(second.url, halves[1] ?? [], rate / 2, seconds),
    ]);
    if (!a || !b) throw new Error('The two loads did not both run.');
    // Let the syncs autocannon left in flight finish, and both tally caches (1 s) expire.
    await new Promise((r) => setTimeout(r, 1_500));
    const integrity = await bed.check([...warm.acked, ...a.acked, ...b.acked]);
    const [fromA, fromB] = await Promise.all(
      [bed.url(), second.url].map(
        async (url) => ((await (await fetch(`${url}/v1/tally`)).json()) as TallyResponse).tally,
      ),
    );
    const sameCount =
      JSON.stringify(fromA) === JSON.stringify(fromB) &&
      JSON.stringify(fromA) === JSON.stringify(integrity.counters);
    const runs = [
      summarizeRun(rate / 2, a.connections, a.result),
      summarizeRun(rate / 2, b.connections, b.result),
    ];
    log(
      `postgres, two processes at ${rate / 2}/s each: p99 ${runs.map((r) => r.p99_ms).join(' / ')} ms, ` +
        `same count ${sameCount}, integrity ${integrity.ok ? 'ok' : 'FAILED'}`,
    );
    return {
      total_rate: rate,
      per_process: runs,
      acknowledged: a.acked.length + b.acked.length,
      same_count: sameCount,
      tally_a: fromA,
      tally_b: fromB,
      integrity: withoutTallies(integrity),
    };
  } finally {
    await second.stop();
  }
}

async function main() {
  const started = Date.now();
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memory_gb: round(totalmem() / 2 ** 30),
    node: process.version,
    loadavg_at_start: load(),
    shared: 'The machine is shared with other jobs running at the same time; see loadavg per run.',
  };
  log(`${machine.cpu}, ${machine.cores} cores, load ${machine.loadavg_at_start.join(' ')}`);

  const perBackend: Partial<Record<Backend, Record<string, unknown>>> = {};
  const votes: Partial<Record<Backend, number>> = {};
  const reads: Partial<Record<Backend, number>> = {};
  let lostEvents = 0;
  let doubleCounted = 0;
  let integrityOk = true;
  let twoProcessSummary: Awaited<ReturnType<typeof twoProcesses>> | null = null;

  for (const backend of backends) {
    log(`${backend}: starting the database and the server`);
    const postgres = backend === 'postgres' ? await postgresBed() : undefined;
    const bed: Bed = postgres ?? (await pgliteBed());
    try {
      const installs = await registerMany(bed.url(), installCount);
      log(`${backend}: ${installs.length} installs registered`);
      const { best, runs, carried } = await stepUp(
        backend,
        bed,
        installs,
        await warmUp(bed, installs),
      );
      const tally = await tallyReads(bed.url(), seconds);
      log(`${backend}: tally reads ${tally.reads_per_s}/s, p99 ${tally.p99_ms} ms`);
      const last = await bed.check(carried);
      lostEvents += last.lostEvents;
      doubleCounted += last.doubleCounted + last.duplicateEvents;
      integrityOk &&= last.ok;
      votes[backend] = best;
      reads[backend] = tally.reads_per_s;
      for (const run of runs) {
        lostEvents += run.integrity.lostEvents;
        doubleCounted += run.integrity.doubleCounted + run.integrity.duplicateEvents;
        integrityOk &&= run.integrity.ok;
      }
      if (postgres) {
        twoProcessSummary = await twoProcesses(
          postgres,
          installs,
          Math.max(best, smoke ? 100 : 1_000),
        );
        lostEvents += twoProcessSummary.integrity.lostEvents;
        doubleCounted +=
          twoProcessSummary.integrity.doubleCounted + twoProcessSummary.integrity.duplicateEvents;
        integrityOk &&= twoProcessSummary.integrity.ok && twoProcessSummary.same_count;
      }
      perBackend[backend] = { ...(await bed.describe()), sync_runs: runs, tally_reads: tally };
    } finally {
      await bed.close();
    }
  }

  const date = new Date().toISOString().slice(0, 10);
  const tallyReads_ = Object.values(reads).length > 0 ? Math.min(...Object.values(reads)) : null;
  const report = {
    date,
    smoke,
    votes_per_s_postgres: votes.postgres ?? null,
    votes_per_s_pglite: votes.pglite ?? null,
    /** The lower of the two databases' figures. */
    tally_reads_per_s: tallyReads_,
    lost_events: lostEvents,
    double_counted: doubleCounted,
    integrity_ok: integrityOk,
    targets: TARGETS,
    meets: {
      votes_per_s_postgres:
        votes.postgres === undefined ? null : votes.postgres >= TARGETS.votes_per_s_postgres,
      votes_per_s_pglite:
        votes.pglite === undefined ? null : votes.pglite >= TARGETS.votes_per_s_pglite,
      tally_reads_per_s: tallyReads_ === null ? null : tallyReads_ >= TARGETS.tally_reads_per_s,
    },
    method: {
      sync: `single-event syncs with fresh event ids from ${installCount} pre-registered installs, fixed arrival rate (autocannon overallRate), ${seconds} s per step, stepped up until p99 > ${P99_LIMIT_MS} ms, an error, or under 95% of the rate; a missed step is run once more`,
      tally_reads: `GET /v1/tally, 64 connections, ${seconds} s, as fast as possible (the service's 1 s tally cache)`,
      integrity:
        'checkIntegrity after every load run: acknowledged events all stored, none twice, counters = live ballots',
      registration:
        'proof of work lowered to cost 1 and rate limits lifted, so that pre-registering is quick',
      load_generator:
        'autocannon in the bench process, on the same 2-core machine as the server and the database',
    },
    machine,
    tally_reads_per_s_by_backend: reads,
    backends: perBackend,
    two_processes_postgres: twoProcessSummary,
    elapsed_s: round((Date.now() - started) / 1000),
  };

  mkdirSync(outDir, { recursive: true });
  const jsonPath = join(outDir, `${date}-votes.json`);
  // On a shared machine one run says little: an earlier run of the same day is kept, inside.
  const earlier: unknown[] = [];
  if (existsSync(jsonPath)) {
    const previous = JSON.parse(readFileSync(jsonPath, 'utf8')) as {
      earlier_runs_today?: unknown[];
    };
    earlier.push(...(previous.earlier_runs_today ?? []), {
      ...previous,
      earlier_runs_today: undefined,
    });
  }
  writeFileSync(
    jsonPath,
    `${JSON.stringify({ ...report, earlier_runs_today: earlier }, null, 2)}\n`,
  );
  writeFileSync(join(outDir, 'latest-votes.md'), markdown(report, earlier as Headline[]));
  log(`wrote ${jsonPath}`);
  if (!integrityOk || lostEvents > 0 || doubleCounted > 0) {
    console.error('[bench:votes] The integrity check failed: see the report.');
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error('[bench:votes] failed:', error);
  process.exit(1);
});
