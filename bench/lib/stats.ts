/** A figure measured over several runs: median, with the spread shown beside it. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function summarize(values: number[]): Summary {
  const runs = values.filter((v) => Number.isFinite(v));
  if (runs.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs };
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted.at(-1) as number, runs };
}

/** ours ÷ theirs, from medians; NaN when either is missing. */
export function ratio(ours: Summary, theirs: Summary): number {
  return theirs.median > 0 ? ours.median / theirs.median : Number.NaN;
}
