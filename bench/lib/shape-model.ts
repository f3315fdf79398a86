import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateShapeFaithful, SMOLVLM2_256M } from '../../tests/fixtures/shape-faithful/generate';
import { ensureGenerated } from '../../tests/support/generated-model';

const ROOT = resolve(import.meta.dirname, '../..');
export const SHAPE_ROOT = join(ROOT, 'bench/.cache/models');
export const SHAPE_ID = 'glimpse-bench/smolvlm2-256m-shape';

/** The shape-faithful SmolVLM2-256M in bench/.cache, generated when its sources changed. */
export function ensureShapeModel(log: (line: string) => void): {
  root: string;
  id: string;
  dir: string;
} {
  const dir = join(SHAPE_ROOT, SHAPE_ID);
  const sources = [
    'tests/fixtures/shape-faithful/generate.ts',
    'tests/fixtures/onnx/graph-builder.ts',
  ];
  ensureGenerated(
    dir,
    sources.map((s) => join(ROOT, s)),
    () => {
      log('generating the shape-faithful SmolVLM2-256M (random weights, real shapes)…');
      generateShapeFaithful(dir, SMOLVLM2_256M, ['fp32', 'q8', 'q4']);
    },
  );
  return { root: SHAPE_ROOT, id: SHAPE_ID, dir };
}

/** The decoder's dimensions, for a raw decode loop on it. */
export function decoderShape(modelDir: string) {
  const config = JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8')) as {
    text_config: {
      hidden_size: number;
      num_hidden_layers: number;
      num_key_value_heads: number;
      num_attention_heads: number;
      head_dim?: number;
    };
  };
  const t = config.text_config;
  return {
    hidden: t.hidden_size,
    layers: t.num_hidden_layers,
    kvHeads: t.num_key_value_heads,
    headDim: t.head_dim ?? t.hidden_size / t.num_attention_heads,
  };
}
