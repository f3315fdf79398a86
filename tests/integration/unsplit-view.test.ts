import { AutoProcessor, env, RawImage, type Tensor } from '@huggingface/transformers';
import { beforeAll, describe, expect, test } from 'vitest';
import { adaptProcessor, type ChatProcessor } from '../../src/vlm/transformers-adapter';
import { TINY_MODEL_ID } from '../fixtures/tiny-smolvlm/generate';
import { ensureTinyModel, MODELS_ROOT } from '../support/tiny-model';

type Processor = Awaited<ReturnType<typeof AutoProcessor.from_pretrained>>;

function gradient(width: number, height: number): RawImage {
  const data = new Uint8ClampedArray(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = Math.round((255 * x) / (width - 1));
      data[i + 1] = Math.round((255 * y) / (height - 1));
      data[i + 2] = 128;
    }
  return new RawImage(data, width, height, 3);
}

/** Glimpse squashes an unsplit image straight to one tile; the processor goes via 2048 px. */
describe('the unsplit view', () => {
  let processor: Processor;
  let adapted: ChatProcessor;
  const text = () =>
    adapted.renderChat(
      [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'What is it?' }] }],
      true,
    );

  beforeAll(async () => {
    ensureTinyModel();
    env.allowRemoteModels = false;
    env.localModelPath = `${MODELS_ROOT}/`;
    processor = await AutoProcessor.from_pretrained(TINY_MODEL_ID);
    adapted = adaptProcessor(processor);
  });

  test.each([
    [20, 20],
    [300, 120],
  ])('a %i×%i image gives the same view and tokens as the processor’s own path', async (w, h) => {
    const image = gradient(w, h);
    const ours = await adapted.prepare(text(), image, { splitImage: false });
    const theirs = (await (
      processor as unknown as (
        t: string,
        i: RawImage[],
        o: object,
      ) => Promise<{ pixel_values: Tensor; input_ids: Tensor }>
    )(text(), [image], { do_image_splitting: false })) as {
      pixel_values: Tensor;
      input_ids: Tensor;
    };
    expect(ours.pixel_values.dims).toEqual(theirs.pixel_values.dims);
    expect(Array.from(ours.input_ids.data as BigInt64Array)).toEqual(
      Array.from(theirs.input_ids.data as BigInt64Array),
    );
    // Resampling differs (one step instead of two): on average within 10 of 255 levels
    // (pixel values are normalised to [-1, 1], so a level is 2/255).
    const a = ours.pixel_values.data as Float32Array;
    const b = theirs.pixel_values.data as Float32Array;
    let total = 0;
    for (let i = 0; i < a.length; i++) total += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
    expect(total / a.length).toBeLessThan((10 * 2) / 255);
    // The processor is left as it was for the next, split, image.
    expect(
      (processor as unknown as { image_processor: { do_resize: boolean } }).image_processor
        .do_resize,
    ).toBe(true);
  });
});
