import { defineConfig } from 'drizzle-kit';

// `npm run server:migration` turns changes to the schema into a new SQL migration here.
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/db/schema.ts',
  out: './server/migrations',
});
