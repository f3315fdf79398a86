import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as transformers from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EngineSettings, ImageInput } from '@/src/messaging/protocol';
import { encodeBase64 } from '@/src/vlm/image-acquire';
import { paintPng } from '../../scripts/lib/png';
import { generateShapeFaithful, SMALL_TEST_SHAPE } from '../fixtures/shape-faithful/generate';
import { answerRecorder } from '../support/answer-recorder';
import { MirrorServer } from '../support/mirror-server';
import { createNodeEngine } from '../support/node-engine';

/**
 * The tiny test model's answers are scripted with wide margins. Random weights are the hard case
 * for "same answer with or without prefill": greedy picks between near-equal logits, so any
 * difference in what the model computed shows up as a different token.
 */
const SMALL = SMALL_TEST_SHAPE;
const MODEL_ID = 'glimpse-bench/small-random';

const root = mkdtempSync(join(tmpdir(), 'glimpse-prefill-'));
let mirror: MirrorServer;
let settings: EngineSettings;
beforeAll(async () => {
  generateShapeFaithful(join(root, MODEL_ID), SMALL, ['q8']);
  mirror = await new MirrorServer({ root }).start();
  settings = {
    modelId: MODEL_ID,
    remoteHost: mirror.host,
    backend: 'wasm',
    dtypeOverrides: { vision_encoder: 'q8', embed_tokens: 'q8', decoder_model_merged: 'q8' },
  };
});
afterAll(async () => {
  await mirror.stop();
  rmSync(root, { recursive: true, force: true });
});

function recordingEngine() {
  const { RecordingStreamer, next } = answerRecorder();
  const { engine } = createNodeEngine({
    transformers: { ...transformers, TextStreamer: RecordingStreamer },
  });
  let n = 0;
  const ask = async (
    conversationId: string,
    image: ImageInput,
    extra: Partial<EngineSettings> = {},
  ) => {
    const tokens = next();
    const outcome = await engine.ask(
      {
        type: 'ask',
        requestId: `q${++n}`,
        conversationId,
        question: 'What is in this picture?',
        image,
        maxNewTokens: 24,
        settings: { ...settings, ...extra },
      },
      () => {},
      new AbortController().signal,
    );
    return { outcome, tokens };
  };
  const prefill = (conversationId: string, image: ImageInput) =>
    engine.prefill(
      { type: 'prefill', requestId: `p${++n}`, conversationId, image, settings },
      new AbortController().signal,
    );
  return { ask, prefill };
}

describe('prefill on random weights (greedy between near-equal logits)', () => {
  test.each([
    ['one view', 30, 28],
    ['five tiles', 60, 44],
  ] as const)(
    '%s: prefilled early, while asking, or not at all: the same tokens',
    async (_name, w, h) => {
      const png = paintPng(w, h, (x, y) => [
        (x * 37 + y * 11) % 256,
        (x * y) % 256,
        (y * 53) % 256,
      ]);
      const image: ImageInput = {
        kind: 'bytes',
        base64: encodeBase64(png),
        contentType: 'image/png',
      };
      const { ask, prefill } = recordingEngine();
      const plain = await ask('plain', image);
      expect(await prefill('early', image)).toMatchObject({ outcome: 'done' });
      const early = await ask('early', image);
      const racing = prefill('racing', image);
      const during = await ask('racing', image);
      await racing;
      expect(plain.tokens.length).toBeGreaterThan(10); // up to 24, or an end-of-utterance
      expect(early.tokens).toEqual(plain.tokens);
      expect(during.tokens).toEqual(plain.tokens);
      expect(early.outcome).toMatchObject({ stats: { prefilledEarly: true } });
    },
  );
});
