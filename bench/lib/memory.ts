import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Every process started by this one (Chromium and its renderers, GPU and utility processes). */
function descendants(root: number): number[] {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const [pid, ppid] of table)
      if (ppid === parent) {
        found.push(pid);
        queue.push(pid);
      }
  }
  return found;
}

/** Proportional set size: shared pages are split between processes, so the sum is honest. */
function pssBytes(pid: number): number {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = /^Pss:\s+(\d+) kB/m.exec(rollup)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0; // the process ended between ps and read
  }
}

/** The browser's whole memory, in bytes (Linux: /proc PSS; 0 elsewhere). */
export function browserMemory(): number {
  if (process.platform !== 'linux') return 0;
  return descendants(process.pid).reduce((sum, pid) => sum + pssBytes(pid), 0);
}

/** Samples the browser's memory until stopped; returns the peak. */
export function sampleMemory(intervalMs = 250): { stop(): number } {
  let peak = browserMemory();
  const timer = setInterval(() => {
    peak = Math.max(peak, browserMemory());
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, browserMemory());
    },
  };
}
