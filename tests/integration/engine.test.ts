import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EngineSettings, ImageInput } from '@/src/messaging/protocol';
import { encodeBase64 } from '@/src/vlm/image-acquire';
import { paintPng } from '../../scripts/lib/png';
import { BRIGHT_ANSWER, DARK_ANSWER, TINY_MODEL_ID } from '../fixtures/tiny-smolvlm/generate';
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
