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

export default async function setup(project: TestProject) {
  const [postgres, template] = await Promise.all([startTestPostgres(), preparePgliteTemplate()]);
  project.provide('postgresAdminUrl', postgres.adminUrl);
  project.provide('pgliteTemplate', template);
  return () => postgres.stop();
}
