import { join, resolve } from 'node:path';
import { generateTinySmolVlm, TINY_MODEL_ID } from '../fixtures/tiny-smolvlm/generate';
import { ensureGenerated } from './generated-model';

export const MODELS_ROOT = resolve(import.meta.dirname, '../.cache/models');
export const TINY_MODEL_DIR = join(MODELS_ROOT, TINY_MODEL_ID);
const GENERATOR_SOURCES = [
  '../fixtures/tiny-smolvlm/generate.ts',
  '../fixtures/tiny-smolvlm/tokenizer.ts',
  '../fixtures/onnx/graph-builder.ts',
].map((p) => resolve(import.meta.dirname, p));

/** Generates the tiny model (milliseconds), again whenever its generator changes. */
export function ensureTinyModel(): string {
  return ensureGenerated(TINY_MODEL_DIR, GENERATOR_SOURCES, () =>
    generateTinySmolVlm(TINY_MODEL_DIR),
  );
}
