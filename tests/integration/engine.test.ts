import * as transformers from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EngineSettings, EngineStatus, ImageInput } from '@/src/messaging/protocol';
import { encodeBase64 } from '@/src/vlm/image-acquire';
import { paintPng } from '../../scripts/lib/png';
import { BRIGHT_ANSWER, DARK_ANSWER, TINY_MODEL_ID } from '../fixtures/tiny-smolvlm/generate';
import { answerRecorder } from '../support/answer-recorder';
import { MirrorServer } from '../support/mirror-server';
import { createNodeEngine } from '../support/node-engine';
import { ensureTinyModel, MODELS_ROOT } from '../support/tiny-model';

const bright = paintPng(120, 80, () => [235, 230, 220]);
const dark = paintPng(90, 140, (x) => [10 + (x % 7), 12, 20]);
const asBytes = (png: Buffer): ImageInput => ({
  kind: 'bytes',
  base64: encodeBase64(png),
  contentType: 'image/png',
});

let mirror: MirrorServer;
let settings: EngineSettings;
beforeAll(async () => {
  ensureTinyModel();
  mirror = await new MirrorServer({ root: MODELS_ROOT }).start();
  settings = {
    modelId: TINY_MODEL_ID,
    remoteHost: mirror.host,
    backend: 'wasm',
    dtypeOverrides: {},
  };
});
afterAll(() => mirror.stop());

let nextId = 0;
function ask(
  engine: ReturnType<typeof createNodeEngine>['engine'],
  fields: {
    question: string;
    image?: ImageInput;
    conversationId?: string;
    maxNewTokens?: number;
    settings?: typeof settings;
  },
  onToken: (text: string) => void = () => {},
  signal = new AbortController().signal,
) {
  const requestId = `r${++nextId}`;
  return engine.ask(
    {
      type: 'ask',
      requestId,
      conversationId: fields.conversationId ?? requestId,
      settings,
      ...fields,
    },
    onToken,
    signal,
  );
}

describe('engine on the real transformers.js path (onnxruntime-node)', () => {
  test('downloads from the mirror with progress, then answers exactly per image', async () => {
    const { engine, statuses } = createNodeEngine();
    const first = await ask(engine, {
      question: 'What is in this picture?',
      image: asBytes(bright),
    });
    expect(first).toMatchObject({ outcome: 'done' });
    const downloaded = statuses.filter((s) => s.state === 'downloading');
    expect(downloaded.length).toBeGreaterThan(0);
    const lastDownload = downloaded.at(-1);
    if (lastDownload?.state !== 'downloading') throw new Error('expected a download status');
    expect(lastDownload.files.map((f) => f.file)).toEqual(
      expect.arrayContaining([
        'onnx/vision_encoder_quantized.onnx',
        'onnx/decoder_model_merged_quantized.onnx',
      ]),
    );
    expect(lastDownload.files.every((f) => f.loaded === f.total && f.total > 0)).toBe(true);
    expect(statuses.at(-1)).toMatchObject({
      state: 'ready',
      backend: 'wasm',
      modelId: TINY_MODEL_ID,
    });
    expect(
      mirror.requests.some((r) => r.path.endsWith('onnx/decoder_model_merged_quantized.onnx')),
    ).toBe(true);

    const tokens: string[] = [];
    const second = await ask(
      engine,
      { question: 'What is in this picture?', image: asBytes(dark) },
      (t) => tokens.push(t),
    );
    expect(tokens.join('').trim()).toBe(DARK_ANSWER);
    if (second.outcome !== 'done') throw new Error('expected done');
    expect(second.stats.imageTokens).toBeGreaterThan(0);
    expect(second.stats.reusedCache).toBe(false);

    const again: string[] = [];
    await ask(engine, { question: 'And this one?', image: asBytes(bright) }, (t) => again.push(t));
    expect(again.join('').trim()).toBe(BRIGHT_ANSWER);
  });

  test('streams tokens in order, before the answer is done', async () => {
    const { engine } = createNodeEngine();
    const events: string[] = [];
    const outcome = await ask(engine, { question: 'Describe it', image: asBytes(bright) }, (t) =>
      events.push(t),
    );
    expect(events.length).toBeGreaterThan(3);
    expect(events.join('').trim()).toBe(BRIGHT_ANSWER);
    expect(events[0]?.trim()).toBe('A');
    if (outcome.outcome !== 'done') throw new Error('expected done');
    expect(outcome.stats.newTokens).toBeGreaterThanOrEqual(events.length);
    expect(outcome.stats.ttftMs).toBeGreaterThan(0);
    expect(outcome.stats.ttftMs).toBeLessThanOrEqual(outcome.stats.totalMs);
  });

  test("the stats split each decoded token's time: onnxruntime, its decoder, the rest", async () => {
    const { engine } = createNodeEngine();
    const outcome = await ask(
      engine,
      { question: 'Describe it', image: asBytes(bright) },
      () => {},
    );
    if (outcome.outcome !== 'done') throw new Error('expected done');
    const profile = outcome.stats.decodeProfile;
    if (!profile) throw new Error('expected a decode profile');
    // The real sessions were timed: each later token ran the embedding lookup and the decoder.
    expect(profile.decoderMsPerToken).toBeGreaterThan(0);
    expect(profile.ortMsPerToken).toBeGreaterThan(profile.decoderMsPerToken);
    expect(profile.msPerToken).toBeGreaterThanOrEqual(profile.ortMsPerToken);
    // And it agrees with the speed the stats report.
    expect(1000 / profile.msPerToken).toBeCloseTo(outcome.stats.tokensPerSecond, 3);
  });

  test('cancel stops within one token', async () => {
    const { engine } = createNodeEngine();
    const controller = new AbortController();
    const tokens: string[] = [];
    const outcome = await ask(
      engine,
      { question: 'Talk about it forever', image: asBytes(dark), maxNewTokens: 400 },
      (t) => {
        tokens.push(t);
        if (tokens.length === 2) controller.abort();
      },
      controller.signal,
    );
    expect(outcome).toEqual({ outcome: 'cancelled' });
    // The streamer emits whole words; one more token may complete the word in flight.
    expect(tokens.length).toBeLessThanOrEqual(3);
  });

  test('undecodable bytes give a sentence, and the next request still works', async () => {
    const { engine } = createNodeEngine();
    const garbage: ImageInput = {
      kind: 'bytes',
      base64: encodeBase64(new Uint8Array(64).fill(7)),
      contentType: 'image/png',
    };
    await expect(ask(engine, { question: 'What is it?', image: garbage })).rejects.toThrow(
      /isn't an image Glimpse can read/,
    );
    const truncated = bright.subarray(0, Math.floor(bright.length / 2));
    await expect(
      ask(engine, { question: 'What is it?', image: asBytes(truncated) }),
    ).rejects.toThrow(/damaged or incomplete/);
    const tokens: string[] = [];
    await ask(engine, { question: 'What is it?', image: asBytes(dark) }, (t) => tokens.push(t));
    expect(tokens.join('').trim()).toBe(DARK_ANSWER);
  });

  test('a follow-up reuses the KV cache: no image tokens, only the new turn is fed', async () => {
    const { engine } = createNodeEngine();
    const first = await ask(engine, {
      question: 'What is it?',
      image: asBytes(dark),
      conversationId: 'c1',
    });
    const tokens: string[] = [];
    const followUp = await ask(engine, { question: 'Are you sure?', conversationId: 'c1' }, (t) =>
      tokens.push(t),
    );
    if (first.outcome !== 'done' || followUp.outcome !== 'done') throw new Error('expected done');
    expect(followUp.stats.reusedCache).toBe(true);
    expect(followUp.stats.imageTokens).toBe(0);
    expect(followUp.stats.promptTokens).toBeLessThan(first.stats.imageTokens);
    // The image still decides the answer: it lives on in the cache.
    expect(tokens.join('').trim()).toBe(DARK_ANSWER);

    engine.endConversation('c1');
    await expect(ask(engine, { question: 'And now?', conversationId: 'c1' })).rejects.toThrow(
      /conversation has ended/,
    );
  });

  test('a follow-up that would overflow the context starts over from the image, and says so', async () => {
    const { engine } = createNodeEngine();
    await ask(engine, { question: 'What is it?', image: asBytes(dark), conversationId: 'long' });
    // The tiny model's context is 4096 tokens: asking for 4000 more cannot fit after the first turn.
    const overflow = await ask(engine, {
      question: 'Tell me more',
      conversationId: 'long',
      maxNewTokens: 4000,
    });
    if (overflow.outcome !== 'done') throw new Error('expected done');
    expect(overflow.stats.reusedCache).toBe(false);
    expect(overflow.stats.imageTokens).toBeGreaterThan(0);
    expect(overflow.stats.notice).toBe(
      'This conversation got too long for the model, so Glimpse started over from the image.',
    );
  });

  test('the reference flow re-reads the image every turn; splitting can be turned off', async () => {
    const { engine } = createNodeEngine();
    const reference = {
      ...settings,
      followUps: 'reencode' as const,
      splitImages: 'never' as const,
    };
    const run = (question: string, image?: ImageInput) =>
      engine.ask(
        {
          type: 'ask',
          requestId: `ref-${++nextId}`,
          conversationId: 'ref',
          question,
          settings: reference,
          ...(image ? { image } : {}),
        },
        () => {},
        new AbortController().signal,
      );
    const first = await run('What is it?', asBytes(bright));
    const again = await run('And now?');
    if (first.outcome !== 'done' || again.outcome !== 'done') throw new Error('expected done');
    expect(first.stats.imageTokens).toBe(64); // one view, although the image is larger than a tile
    expect(again.stats.reusedCache).toBe(false);
    expect(again.stats.imageTokens).toBe(64);
    expect(again.stats.promptTokens).toBeGreaterThan(first.stats.promptTokens);
  });

  test('images no bigger than a tile are read as one view; larger ones are split', async () => {
    const { engine } = createNodeEngine();
    const small = paintPng(24, 20, () => [240, 240, 240]);
    const one = await ask(engine, { question: 'What is it?', image: asBytes(small) });
    const many = await ask(engine, { question: 'What is it?', image: asBytes(bright) });
    if (one.outcome !== 'done' || many.outcome !== 'done') throw new Error('expected done');
    expect(one.stats.imageTokens).toBe(64);
    expect(many.stats.imageTokens).toBe(5 * 64);
    // 'always' is the processor's own default: the thumbnail is upscaled and tiled.
    const tiled = await ask(engine, {
      question: 'What is it?',
      image: asBytes(small),
      settings: { ...settings, splitImages: 'always' },
    });
    if (tiled.outcome !== 'done') throw new Error('expected done');
    expect(tiled.stats.imageTokens).toBe(5 * 64);
  });

  test('an unreachable mirror gives one plain sentence', async () => {
    const { engine, statuses } = createNodeEngine();
    const deadHost = 'http://127.0.0.1:9/';
    await expect(
      engine.ask(
        {
          type: 'ask',
          requestId: 'dead',
          conversationId: 'dead',
          question: 'Hi?',
          image: asBytes(bright),
          settings: { ...settings, remoteHost: deadHost },
        },
        () => {},
        new AbortController().signal,
      ),
    ).rejects.toThrow(
      "Couldn't download the model from 127.0.0.1:9. Check your connection, or set a mirror or import the files in Options.",
    );
    expect(statuses.at(-1)).toMatchObject({ state: 'error' });
  });
});

describe('prefill: the image is read before the question', () => {
  /** Records every token id the engine's streamer is given: the answer, token for token. */
  function recordingEngine() {
    const { RecordingStreamer, next } = answerRecorder();
    // Every model.generate call the engine makes: a prefill makes one per tile (max_new_tokens 1).
    const generateCalls: { tiles: number; maxNewTokens: unknown }[] = [];
    const hooks = { onGenerate: () => {} };
    const AutoModelForVision2Seq = {
      async from_pretrained(
        ...args: Parameters<typeof transformers.AutoModelForVision2Seq.from_pretrained>
      ) {
        const model = await transformers.AutoModelForVision2Seq.from_pretrained(...args);
        const generate = model.generate.bind(model);
        model.generate = (params: Parameters<typeof generate>[0]) => {
          const pixels = (params as { pixel_values?: { dims: number[] } }).pixel_values;
          generateCalls.push({ tiles: pixels?.dims[1] ?? 0, maxNewTokens: params.max_new_tokens });
          hooks.onGenerate();
          return generate(params);
        };
        return model;
      },
    };
    const { engine } = createNodeEngine({
      transformers: {
        ...transformers,
        TextStreamer: RecordingStreamer,
        AutoModelForVision2Seq,
      } as unknown as typeof transformers,
    });
    return {
      engine,
      generateCalls,
      hooks,
      /** The new tokens of the next answer (the streamer skips the prompt's put). */
      next,
    };
  }
  const prefill = (
    engine: ReturnType<typeof createNodeEngine>['engine'],
    conversationId: string,
    image: ImageInput,
    signal = new AbortController().signal,
  ) =>
    engine.prefill(
      { type: 'prefill', requestId: `p${++nextId}`, conversationId, image, settings },
      signal,
    );

  test('a prefilled conversation answers token for token as one that was not', async () => {
    const { engine, next, generateCalls } = recordingEngine();
    for (const [name, png, expected] of [
      ['dark', dark, DARK_ANSWER],
      ['bright', bright, BRIGHT_ANSWER],
    ] as const) {
      const image = asBytes(png);
      // Without prefill: the question reads the image itself.
      const plainTokens = next();
      const plain = await ask(engine, {
        question: 'What is it?',
        image,
        conversationId: `${name}-a`,
      });
      // The documented one-pass flow (whole prompt in one forward), as a third witness.
      const onePassTokens = next();
      await ask(engine, {
        question: 'What is it?',
        image,
        conversationId: `${name}-ref`,
        settings: { ...settings, followUps: 'reencode' },
      });
      // With prefill, finished before the question.
      generateCalls.length = 0;
      const early = await prefill(engine, `${name}-b`, image);
      // One encoder run per tile: the points where a cancel can land.
      expect(generateCalls).toEqual(Array(5).fill({ tiles: 1, maxNewTokens: 1 }));
      expect(early).toMatchObject({ outcome: 'done' });
      if (early.outcome !== 'done') throw new Error('expected done');
      expect(early.stats.imageTokens).toBe(5 * 64); // split image: five tiles, prefilled tile by tile
      const prefilledTokens = next();
      const text: string[] = [];
      const prefilled = await ask(
        engine,
        { question: 'What is it?', image, conversationId: `${name}-b` },
        (t) => text.push(t),
      );
      if (plain.outcome !== 'done' || prefilled.outcome !== 'done')
        throw new Error('expected done');
      expect(prefilledTokens.length).toBeGreaterThan(5);
      expect(prefilledTokens).toEqual(plainTokens);
      expect(prefilledTokens).toEqual(onePassTokens);
      expect(text.join('').trim()).toBe(expected);
      expect(prefilled.stats).toMatchObject({ prefilledEarly: true, imageTokens: 5 * 64 });
      expect(plain.stats.prefilledEarly).toBe(false);
      // The prefilled question fed the same prompt, but the image was already in the cache.
      expect(prefilled.stats.promptTokens).toBe(plain.stats.promptTokens);
      // And its follow-ups go on from the same cache.
      const followTokens = next();
      const follow = await ask(engine, { question: 'Are you sure?', conversationId: `${name}-b` });
      const plainFollowTokens = next();
      await ask(engine, { question: 'Are you sure?', conversationId: `${name}-a` });
      expect(follow).toMatchObject({ outcome: 'done', stats: { reusedCache: true } });
      expect(followTokens).toEqual(plainFollowTokens);
    }
  });

  test('a question asked while the prefill is still running waits for it and answers the same', async () => {
    const { engine, next } = recordingEngine();
    const image = asBytes(dark);
    const plainTokens = next();
    await ask(engine, { question: 'Describe it', image, conversationId: 'w-plain' });

    const running = prefill(engine, 'w', image);
    const duringTokens = next();
    const during = await ask(engine, { question: 'Describe it', image, conversationId: 'w' });
    expect(await running).toMatchObject({ outcome: 'done' });
    expect(during).toMatchObject({ outcome: 'done', stats: { prefilledEarly: true } });
    expect(duringTokens).toEqual(plainTokens);
  });

  test('a cancelled prefill stops between tiles and leaves the conversation usable', async () => {
    const { engine, next, generateCalls, hooks } = recordingEngine();
    const image = asBytes(bright);
    const plainTokens = next();
    await ask(engine, { question: 'What is it?', image, conversationId: 'x-plain' });

    const controller = new AbortController();
    generateCalls.length = 0;
    // Cancel while the first tile's encoder run is under way: that run finishes, no other starts.
    hooks.onGenerate = () => controller.abort();
    const running = prefill(engine, 'x', image, controller.signal);
    expect(await running).toEqual({ outcome: 'cancelled' });
    hooks.onGenerate = () => {};
    expect(generateCalls).toEqual([{ tiles: 1, maxNewTokens: 1 }]);
    const afterTokens = next();
    const after = await ask(engine, { question: 'What is it?', conversationId: 'x', image });
    expect(after).toMatchObject({ outcome: 'done', stats: { prefilledEarly: false } });
    expect(afterTokens).toEqual(plainTokens);

    // Ending the conversation frees it: a later prefill for the same id starts over.
    engine.endConversation('x');
    expect(engine.hasConversation('x')).toBe(false);
  });
});

describe('runtime per backend', () => {
  test('a backend the page cannot run falls back to WASM, and says why', async () => {
    const asked: string[] = [];
    const statuses: EngineStatus[] = [];
    const { engine } = createNodeEngine({
      runtime: async (backend) => {
        asked.push(backend);
        return backend === 'webgpu'
          ? { unavailable: 'WebGPU needs JSPI here.' }
          : { transformers, build: 'plain' };
      },
      gpu: true,
      onStatus: (s) => statuses.push(s),
    });
    const tokens: string[] = [];
    const outcome = await ask(
      engine,
      { question: 'What is it?', image: asBytes(dark), settings: { ...settings, backend: 'auto' } },
      (t) => tokens.push(t),
    );
    expect(asked).toEqual(['webgpu', 'wasm']);
    expect(tokens.join('').trim()).toBe(DARK_ANSWER);
    expect(outcome).toMatchObject({
      outcome: 'done',
      stats: { backend: 'wasm', ortBuild: 'plain' },
    });
    expect(statuses.at(-1)).toMatchObject({
      state: 'ready',
      backend: 'wasm',
      backendReason: 'WebGPU needs JSPI here.',
      ortBuild: 'plain',
    });
  });
});
