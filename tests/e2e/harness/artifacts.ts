import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ARTIFACTS_DIR = resolve(import.meta.dirname, '../../../test-artifacts');

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name);
}
