import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE_NAME = 'server.lock';

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

/** Lock files this process holds: opening one folder twice in one process is refused too. */
const heldHere = new Set<string>();

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    if (typeof owner.pid !== 'number' || typeof owner.host !== 'string') return null;
    return { pid: owner.pid, host: owner.host, startedAt: String(owner.startedAt ?? '') };
  } catch {
    return null;
  }
}

/** A lock left by a process that is gone (killed, crashed, or this very pid in an earlier life). */
function isStale(path: string, owner: LockOwner | null): boolean {
  if (owner === null) return true;
  // Our own pid but not our lock: left by an earlier process that had the same pid (a
  // container restarted with pid 1, say).
  if (owner.host === hostname() && owner.pid === process.pid) return !heldHere.has(path);
  if (owner.host !== hostname()) return false;
  return !isAlive(owner.pid);
}

/**
 * Takes `<dataDir>/server.lock`, which holds this process's pid. PGlite takes
 * no lock of its own and two processes on one folder corrupt it. A lock whose process is gone
 * (after a kill -9) is taken over. A lock from another host (a shared network folder) is never
 * assumed stale.
 */
export function acquireDataDirLock(dataDir: string): { release(): void } {
  const path = join(dataDir, LOCK_FILE_NAME);
  const mine: LockOwner = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
  };
  const content = `${JSON.stringify(mine)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    // Written aside, then hard-linked into place: link() fails if the lock exists, and a lock
    // that exists is never half-written.
    const draft = `${path}.${process.pid}.${attempt}`;
    writeFileSync(draft, content, { mode: 0o644 });
    try {
      linkSync(draft, path);
      heldHere.add(path);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          heldHere.delete(path);
          // Only remove the file if it is still ours.
          const owner = readOwner(path);
          if (owner?.pid === mine.pid && owner.startedAt === mine.startedAt) unlinkSync(path);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(draft);
    }
    const owner = readOwner(path);
    if (!isStale(path, owner)) {
      const who = owner ? `pid ${owner.pid} on ${owner.host}` : 'another process';
      throw new DataDirLockedError(
        `Another Glimpse vote server (${who}) is using the data folder ${dataDir}. ` +
          'Stop it first, or give this server its own folder with GLIMPSE_DATA_DIR.',
      );
    }
    // Stale: remove it and try again. (Two servers taking over the same stale lock at the same
    // instant could, in a window of microseconds, both get in; a live lock is never taken.)
    try {
      unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new DataDirLockedError(
    `Could not take the lock file ${path}; another Glimpse vote server may be starting. Try again.`,
  );
}
