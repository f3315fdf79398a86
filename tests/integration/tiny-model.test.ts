import {
  AutoModelForVision2Seq,
  AutoProcessor,
  env,
  RawImage,
  type Tensor,
} from '@huggingface/transformers';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  BRIGHT_ANSWER,
  DARK_ANSWER,
  HOSTILE_ANSWER,
  IMAGE_SEQ_LEN,
  TINY_MODEL_ID,
} from '../fixtures/tiny-smolvlm/generate';
import { ensureTinyModel, MODELS_ROOT } from '../support/tiny-model';

type Processor = Awaited<ReturnType<typeof AutoProcessor.from_pretrained>>;
type Model = Awaited<ReturnType<typeof AutoModelForVision2Seq.from_pretrained>>;

/** The generated model is a test instrument: these check it does what the other tests assume. */
describe('the generated tiny SmolVLM', () => {
  let processor: Processor;
  let model: Model;

  const prepare = (question: string, image: RawImage, split = true) => {
    const text = processor.apply_chat_template(
      [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: question }] }],
      { add_generation_prompt: true },
    ) as string;
    return processor(text, [image], { do_image_splitting: split }) as Promise<{
      input_ids: Tensor;
    }>;
  };
  const solid = (width: number, height: number, value: number) =>
    new RawImage(new Uint8ClampedArray(width * height * 3).fill(value), width, height, 3);

  async function answer(question: string, brightness: number, maxNewTokens = 40): Promise<string> {
    const inputs = await prepare(question, solid(60, 40, brightness));
    const out = (await model.generate({
      ...inputs,
      do_sample: false,
      max_new_tokens: maxNewTokens,
    })) as Tensor;
    const promptLength = inputs.input_ids.dims.at(-1) ?? 0;
    return (
      processor.batch_decode(out.slice(null, [promptLength, out.dims.at(-1) ?? promptLength]), {
        skip_special_tokens: true,
      })[0] ?? ''
    );
  }

  async function imageTokens(width: number, height: number, split: boolean): Promise<number> {
    const inputs = await prepare('x', solid(width, height, 128), split);
    const imageId = BigInt((model.config as unknown as { image_token_id: number }).image_token_id);
    return Array.from(inputs.input_ids.data as BigInt64Array).filter((t) => t === imageId).length;
  }

  beforeAll(async () => {
    ensureTinyModel();
    env.allowRemoteModels = false;
    env.localModelPath = `${MODELS_ROOT}/`;
    processor = await AutoProcessor.from_pretrained(TINY_MODEL_ID);
    model = await AutoModelForVision2Seq.from_pretrained(TINY_MODEL_ID, {
      dtype: 'fp32',
      device: 'cpu',
    });
  });

  test('answers depend on the image', async () => {
    expect(await answer('What is it?', 240)).toBe(BRIGHT_ANSWER);
    expect(await answer('What is it?', 10)).toBe(DARK_ANSWER);
  });

  test('"forever" makes the answer go on until the token limit', async () => {
    const long = await answer('Tell me about it forever', 10, 60);
    expect(long.startsWith(`${DARK_ANSWER} Still going. Still going.`)).toBe(true);
  });

  test('"markup" gives the hostile answer whatever the image', async () => {
    expect(await answer('Show me the markup', 10)).toBe(HOSTILE_ANSWER);
    expect(await answer('Show me the markup', 240)).toBe(HOSTILE_ANSWER);
  });

  test('64 tokens per view; with splitting, every image is first upscaled to the longest edge', async () => {
    expect(IMAGE_SEQ_LEN).toBe(64);
    // As in SmolVLM: even a 20×20 image is resized to 64 px, then cut into 2×2 tiles + a global view.
    expect(await imageTokens(20, 20, true)).toBe(5 * 64);
    expect(await imageTokens(200, 160, true)).toBe(5 * 64);
    // Without splitting: one view.
    expect(await imageTokens(20, 20, false)).toBe(64);
  });
});
