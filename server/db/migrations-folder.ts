import { resolve } from 'node:path';

/** The committed SQL migrations (`npm run server:migration` writes new ones from db/schema.ts). */
export const MIGRATIONS_FOLDER = resolve(import.meta.dirname, '../migrations');
