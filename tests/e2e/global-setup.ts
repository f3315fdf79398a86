import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { preparePgliteTemplate } from '../../server/tests/support/pglite-template';

/** E2E always runs against production builds; `npm test` has just made them and says so. */
export default async function setup(): Promise<void> {
  // The vote e2e copies a migrated PGlite folder for each service it starts (cached).
  await preparePgliteTemplate();
  if (process.env.GLIMPSE_E2E_SKIP_BUILD === '1') return;
  const cwd = resolve(import.meta.dirname, '../..');
  execFileSync('npx', ['wxt', 'build'], { cwd, stdio: 'inherit' });
  execFileSync('npx', ['wxt', 'build', '-b', 'firefox', '--mv3'], { cwd, stdio: 'inherit' });
}
