/** What the service's thread and PGlite's thread (pglite-thread.ts) say to each other. */

export interface ThreadSetup {
  folder: string;
  /** PGlite's WASM, compiled by the service's thread. */
  wasmModule: WebAssembly.Module;
  migrationsFolder: string;
  postgresqlconf: string[];
}

export type ThreadRequest =
  | { id: number; type: 'query'; text: string; params: unknown[]; transaction?: number }
  | { id: number; type: 'begin' }
  | { id: number; type: 'end'; transaction: number; commit: boolean }
  | { id: number; type: 'close' };

export type ThreadReply =
  | { id: number; rows: Record<string, unknown>[]; transaction?: number; error?: undefined }
  | { id: number; error: { message: string; code: string | undefined } };
