import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateTinySmolVlm, TINY_MODEL_ID } from '../fixtures/tiny-smolvlm/generate';

export const MODELS_ROOT = resolve(import.meta.dirname, '../.cache/models');
export const TINY_MODEL_DIR = join(MODELS_ROOT, TINY_MODEL_ID);
const GENERATOR_SOURCES = [
  '../fixtures/tiny-smolvlm/generate.ts',
  '../fixtures/tiny-smolvlm/tokenizer.ts',
  '../fixtures/onnx/graph-builder.ts',
].map((p) => resolve(import.meta.dirname, p));

/**
 * Generates the tiny model (milliseconds; never committed), again whenever its generator changes.
 * The stamp file sits beside the model folder, so the mirror never serves it.
 */
export function ensureTinyModel(): string {
  const hash = createHash('sha256');
  for (const file of GENERATOR_SOURCES) hash.update(readFileSync(file));
  const digest = hash.digest('hex');
  const stamp = `${TINY_MODEL_DIR}.stamp`;
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== digest) {
    rmSync(TINY_MODEL_DIR, { recursive: true, force: true });
    generateTinySmolVlm(TINY_MODEL_DIR);
    writeFileSync(stamp, digest);
  }
  return TINY_MODEL_DIR;
}
