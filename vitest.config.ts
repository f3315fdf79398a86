import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [WxtVitest()],
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'tests/unit/**/*.test.tsx'],
          environment: 'node',
          // The browser's i18n with the English messages (the fake browser has none).
          setupFiles: ['tests/support/i18n-setup.ts'],
        },
      },
      {
        resolve: { alias: { '@': resolve(import.meta.dirname) } },
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'server',
          include: ['server/tests/**/*.test.ts'],
          environment: 'node',
          // One embedded PostgreSQL for the project; each suite makes its own database in it.
          globalSetup: ['server/tests/support/global-setup.ts'],
          // Generous for a machine shared with other jobs; the suite takes seconds when it is not.
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        resolve: { alias: { '@': resolve(import.meta.dirname) } },
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.e2e.ts'],
          globalSetup: ['tests/e2e/global-setup.ts'],
          // One browser at a time: the machines have 2 cores.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
