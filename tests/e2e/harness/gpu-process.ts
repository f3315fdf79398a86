import { execFileSync } from 'node:child_process';

function psRows(): { pid: number; ppid: number; args: string }[] {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .flatMap((line) => {
      const match = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
      return match ? [{ pid: Number(match[1]), ppid: Number(match[2]), args: match[3] ?? '' }] : [];
    });
}

/**
 * Kills the GPU process of the browser using `profileDir`, as a driver reset or GPU crash
 * would: every WebGPU device in that browser is lost. Returns the killed pid.
 */
export function killGpuProcess(profileDir: string): number {
  const rows = psRows();
  const browser = rows.find(
    (r) => r.args.includes(`--user-data-dir=${profileDir}`) && !r.args.includes('--type='),
  );
  if (!browser) throw new Error(`no browser process for ${profileDir}`);
  // The GPU process hangs under the browser's zygote, not the browser itself.
  const family = new Set([browser.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of rows) {
      if (family.has(r.ppid) && !family.has(r.pid)) {
        family.add(r.pid);
        grew = true;
      }
    }
  }
  const gpu = rows.find((r) => family.has(r.pid) && r.args.includes('--type=gpu-process'));
  if (!gpu) throw new Error('the browser has no GPU process');
  process.kill(gpu.pid, 'SIGKILL');
  return gpu.pid;
}
