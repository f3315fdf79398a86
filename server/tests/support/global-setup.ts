import type { TestProject } from 'vitest/node';
import { startTestPostgres } from '../../../scripts/lib/embedded-postgres';
import { preparePgliteTemplate } from './pglite-template';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The embedded PostgreSQL cluster's admin URL; each suite creates its own database. */
    postgresAdminUrl: string;
    /** A migrated PGlite data folder that suites copy (a fresh initdb in WASM takes seconds). */
    pgliteTemplate: string;
  }
}

/**
 * Starts embedded-postgres, or uses the cluster at GLIMPSE_TEST_POSTGRES_URL (an admin URL,
 * e.g. to run the suite against another PostgreSQL version).
 */
export default async function setup(project: TestProject) {
  const external = process.env.GLIMPSE_TEST_POSTGRES_URL;
  const [postgres, template] = await Promise.all([
    external ? undefined : startTestPostgres(),
    preparePgliteTemplate(),
  ]);
  project.provide('postgresAdminUrl', external ?? postgres?.adminUrl ?? '');
  project.provide('pgliteTemplate', template);
  return () => postgres?.stop();
}
