import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AutoModelForVision2Seq,
  AutoProcessor,
  env,
  RawImage,
  type Tensor,
} from '@huggingface/transformers';
import onnxProto from 'onnx-proto';
import { afterAll, describe, expect, test } from 'vitest';
import {
  generateShapeFaithful,
  parameterCount,
  SMALL_TEST_SHAPE,
  SMOLVLM2_256M,
  SUFFIX,
  tokensPerTile,
} from '../fixtures/shape-faithful/generate';

/** The benchmark model's generator, run at small sizes: the same graphs, just narrower. */
const SMALL = SMALL_TEST_SHAPE;

const LINEAR_OP = { fp32: 'MatMul', q8: 'MatMulInteger', q4: 'MatMulNBits' } as const;

const root = mkdtempSync(join(tmpdir(), 'glimpse-shape-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function opTypes(file: string): Set<string> {
  const model = onnxProto.onnx.ModelProto.decode(readFileSync(file));
  return new Set((model.graph?.node ?? []).map((n) => n.opType ?? ''));
}

describe('shape-faithful SmolVLM2 generator', () => {
  test('SmolVLM2-256M dimensions: ~93M vision parameters, 64 tokens per 512-px tile', () => {
    const params = parameterCount(SMOLVLM2_256M);
    expect(params.vision / 1e6).toBeGreaterThan(90);
    expect(params.vision / 1e6).toBeLessThan(97);
    // 30 layers of 576 wide llama plus the lm_head over 49280 tokens.
    expect(params.decoder / 1e6).toBeGreaterThan(130);
    expect(params.embed).toBe(49280 * 576);
    expect(tokensPerTile(SMOLVLM2_256M)).toBe(64);
  });

  test.each(['fp32', 'q8', 'q4'] as const)(
    '%s: loads in transformers.js and generates with a growing KV cache',
    async (variant) => {
      const dir = join(root, 'glimpse-bench', `small-${variant}`);
      const written = generateShapeFaithful(dir, SMALL, [variant]);
      const suffix = SUFFIX[variant];
      const decoderOps = opTypes(join(dir, 'onnx', `decoder_model_merged${suffix}.onnx`));
      for (const op of ['Softmax', 'Sigmoid', 'Gather', 'Concat', 'Where', 'Neg'])
        expect(decoderOps.has(op)).toBe(true);
      expect(decoderOps.has(LINEAR_OP[variant])).toBe(true);
      const visionOps = opTypes(join(dir, 'onnx', `vision_encoder${suffix}.onnx`));
      for (const op of ['Conv', 'LayerNormalization', 'Tanh', 'Compress'])
        expect(visionOps.has(op)).toBe(true);
      expect(Object.keys(written)).toContain(`onnx/decoder_model_merged${suffix}.onnx`);

      env.allowRemoteModels = false;
      env.localModelPath = `${root}/`;
      const id = `glimpse-bench/small-${variant}`;
      const processor = await AutoProcessor.from_pretrained(id);
      const model = await AutoModelForVision2Seq.from_pretrained(id, {
        device: 'cpu',
        dtype: {
          vision_encoder: variant,
          embed_tokens: variant === 'q8' ? 'q8' : 'fp32',
          decoder_model_merged: variant,
        },
      });
      const text = processor.apply_chat_template(
        [
          {
            role: 'user',
            content: [{ type: 'image' }, { type: 'text', text: 'What is in this image?' }],
          },
        ],
        { add_generation_prompt: true },
      ) as string;
      const image = new RawImage(new Uint8ClampedArray(48 * 40 * 3).fill(90), 48, 40, 3);
      const inputs = (await processor(text, [image])) as { input_ids: Tensor };
      const out = (await model.generate({
        ...inputs,
        do_sample: false,
        max_new_tokens: 12,
        min_new_tokens: 12,
      })) as Tensor;
      const promptLength = inputs.input_ids.dims.at(-1) ?? 0;
      // Random weights: the words are noise, but 12 tokens came out of a real prefill + decode loop.
      expect((out.dims.at(-1) ?? 0) - promptLength).toBe(12);
      const imageTokens = Array.from(inputs.input_ids.data as BigInt64Array).filter(
        (t) => t === BigInt((model.config as unknown as { image_token_id: number }).image_token_id),
      ).length;
      expect(imageTokens).toBe(5 * tokensPerTile(SMALL));
    },
  );
});
