/** The vote bench's targets and its markdown table (bench/results/latest-votes.md). */

export const P99_LIMIT_MS = 100;
export const TARGETS = {
  votes_per_s_postgres: 2_000,
  votes_per_s_pglite: 1_000,
  tally_reads_per_s: 10_000,
};

type Backend = 'postgres' | 'pglite';

/** What an earlier run of the day contributes to the table: its headline figures. */
export interface Headline {
  votes_per_s_postgres: number | null;
  votes_per_s_pglite: number | null;
  tally_reads_per_s: number | null;
  lost_events: number;
  double_counted: number;
  machine: { loadavg_at_start: number[] };
  backends: Partial<Record<Backend, { sync_runs?: { loadavg_before: number[] }[] }>>;
}

/** The highest 1-minute load seen before any of a report's runs (the neighbours' share). */
function peakLoad(report: Pick<Headline, 'backends'>): number {
  const loads = Object.values(report.backends).flatMap((backend) =>
    (backend?.sync_runs ?? []).map((run) => run.loadavg_before[0] ?? 0),
  );
  return loads.length > 0 ? Math.max(...loads) : 0;
}

export function markdown(
  report: Pick<Headline, 'backends'> & {
    date: string;
    smoke: boolean;
    votes_per_s_postgres: number | null;
    votes_per_s_pglite: number | null;
    tally_reads_per_s: number | null;
    lost_events: number;
    double_counted: number;
    tally_reads_per_s_by_backend: Partial<Record<Backend, number>>;
    machine: { cpu: string; cores: number; loadavg_at_start: number[] };
    two_processes_postgres: {
      total_rate: number;
      same_count: boolean;
      per_process: { p99_ms: number }[];
    } | null;
  },
  earlier: Headline[],
): string {
  const mark = (value: number | null, target: number) =>
    value === null ? '—' : value >= target ? 'PASS' : 'MISS';
  const lines = [
    `**Vote service**, measured ${report.date} on ${report.machine.cpu} (${report.machine.cores} cores, shared with other jobs; 1-minute load ${report.machine.loadavg_at_start[0]} at the start, up to ${peakLoad(report)} during the runs)${report.smoke ? ' — smoke run, figures mean nothing' : ''}.`,
    '',
    '| Figure | Measured | Target | Result |',
    '|---|---|---|---|',
    `| Sustained syncs, PostgreSQL (p99 ≤ ${P99_LIMIT_MS} ms) | ${report.votes_per_s_postgres ?? '—'} votes/s | ≥ ${TARGETS.votes_per_s_postgres} | ${mark(report.votes_per_s_postgres, TARGETS.votes_per_s_postgres)} |`,
    `| Sustained syncs, PGlite (p99 ≤ ${P99_LIMIT_MS} ms) | ${report.votes_per_s_pglite ?? '—'} votes/s | ≥ ${TARGETS.votes_per_s_pglite} | ${mark(report.votes_per_s_pglite, TARGETS.votes_per_s_pglite)} |`,
    `| Tally reads (lower of the two) | ${report.tally_reads_per_s ?? '—'} /s | ≥ ${TARGETS.tally_reads_per_s} | ${mark(report.tally_reads_per_s, TARGETS.tally_reads_per_s)} |`,
    `| Acknowledged events lost | ${report.lost_events} | 0 | ${report.lost_events === 0 ? 'PASS' : 'FAIL'} |`,
    `| Events or votes counted twice | ${report.double_counted} | 0 | ${report.double_counted === 0 ? 'PASS' : 'FAIL'} |`,
  ];
  const byBackend = Object.entries(report.tally_reads_per_s_by_backend)
    .map(([backend, value]) => `${backend} ${value}/s`)
    .join(', ');
  if (byBackend) lines.push('', `Tally reads by database: ${byBackend}.`);
  const two = report.two_processes_postgres;
  if (two) {
    lines.push(
      `Two server processes on one PostgreSQL at ${two.total_rate} votes/s together: p99 ${two.per_process.map((r) => r.p99_ms).join(' / ')} ms, both count the same: ${two.same_count ? 'yes' : 'NO'}.`,
    );
  }
  for (const [index, run] of earlier.entries()) {
    lines.push(
      `Earlier run ${index + 1} the same day (1-minute load ${run.machine.loadavg_at_start[0]} at its start, up to ${peakLoad(run)} during it): PostgreSQL ${run.votes_per_s_postgres ?? '—'} votes/s, PGlite ${run.votes_per_s_pglite ?? '—'} votes/s, tally reads ${run.tally_reads_per_s ?? '—'}/s, lost ${run.lost_events}, counted twice ${run.double_counted}.`,
    );
  }
  return `${lines.join('\n')}\n`;
}
