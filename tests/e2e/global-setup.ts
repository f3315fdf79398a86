import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** E2E always runs against a production build; `npm test` has just made one and says so. */
export default function setup(): void {
  if (process.env.GLIMPSE_E2E_SKIP_BUILD === '1') return;
  execFileSync('npx', ['wxt', 'build'], {
    cwd: resolve(import.meta.dirname, '../..'),
    stdio: 'inherit',
  });
}
