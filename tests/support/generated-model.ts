import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Generates a model folder (never committed) unless the one there came from these exact
 * generator sources. The stamp file sits beside the folder, so the mirror never serves it.
 */
export function ensureGenerated(dir: string, sources: string[], generate: () => void): string {
  const hash = createHash('sha256');
  for (const file of sources) hash.update(readFileSync(file));
  const digest = hash.digest('hex');
  const stamp = `${dir}.stamp`;
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== digest) {
    rmSync(dir, { recursive: true, force: true });
    generate();
    writeFileSync(stamp, digest);
  }
  return dir;
}
