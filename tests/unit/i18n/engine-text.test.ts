import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { localizeEngineText } from '@/src/i18n/engine-text';
import { engine as templates } from '@/src/i18n/locales/en.json';
import type { EngineStatus } from '@/src/messaging/protocol';
import { NoReceiver } from '@/src/messaging/runtime-rpc';
import { GENERIC_FAILURE } from '@/src/messaging/user-error';
import { ENGINE_STOPPED } from '@/src/vlm/ask-router';
import { chooseBackend, wasmThreadsNote } from '@/src/vlm/backend';
import { IMAGE_ERRORS } from '@/src/vlm/image-acquire';
import { describeLoadError } from '@/src/vlm/load-errors';
import { checkModelFolder, IMPORTED_PREFIX } from '@/src/vlm/model-import';
import { MODELS, modelName } from '@/src/vlm/model-registry';
import { ENGINE_START_FAILED } from '@/src/vlm/offscreen-control';
import { describeRun, describeStatus } from '@/src/vlm/status-format';
import { filesUnder, literalsIn } from './source-text';

/**
 * The engine (src/vlm) and the messaging layer it shares speak English; the UI shows their
 * sentences in its language through the `engine` templates. This keeps the two in step: every
 * sentence in that code matches a template, and a German UI gets each of them in German.
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const ENGLISH_CODE = [
  ...filesUnder(resolve(ROOT, 'src/vlm')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')),
  resolve(ROOT, 'src/messaging/user-error.ts'),
  resolve(ROOT, 'src/messaging/runtime-rpc.ts'),
  // The vote sync's problems, kept in English in storage and shown in the UI language.
  resolve(ROOT, 'src/verdicts/vote-sync.ts'),
  resolve(ROOT, 'src/verdicts/altcha-solver.ts'),
];
/** Sentences there that no user reads (developer errors, Chrome's offscreen justification). */
const NOT_UI = new Set([
  'The chat template does not end assistant turns with the end-of-utterance token.',
  'The chat template dropped the question.',
  'The engine needs transformers.js or a runtime.',
  'The image prefix was not kept.',
  'The chat template did not render text.',
  'Download ended at {} of {} bytes.',
  'Runs the on-device vision-language model (WebGPU or WASM workers).',
]);

/** A template's shape: its {names} as {}; a sentence matches when the shapes are equal. */
const shape = (text: string) => text.replace(/\{\w*\}/g, '{}').trim();
const shapes = Object.values(templates as Record<string, string>).map(shape);
/** A piece of code text is covered when a template fits it ({} in the code stands for anything). */
const covered = (text: string) => {
  const wanted = new RegExp(
    `^${shape(text)
      .split('{}')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.+')}$`,
    's',
  );
  return shapes.some((candidate) => wanted.test(candidate));
};
const sentences = (text: string) => text.split(/(?<=[.!?…])\s+(?=\S)/);

type Tree = { [key: string]: string | Tree };
function flatten(tree: Tree, prefix = '', out = new Map<string, string>()) {
  for (const [key, value] of Object.entries(tree)) {
    const name = prefix ? `${prefix}_${key}` : key;
    if (typeof value === 'string') out.set(name, value);
    else flatten(value, name, out);
  }
  return out;
}
const german = flatten(
  JSON.parse(readFileSync(resolve(ROOT, 'src/i18n/locales/de.json'), 'utf8')) as Tree,
);
const english = fakeBrowser.i18n.getMessage;

describe('the engine speaks English; the UI shows it in its language', () => {
  test('every sentence the engine code can say has a template', () => {
    const uncovered = ENGLISH_CODE.flatMap((file) =>
      literalsIn(file)
        .filter((l) => l.kind === 'string' || l.kind === 'template')
        // The whole text matches a template, or else each of its sentences does.
        .flatMap((l) => (covered(l.text) ? [] : sentences(l.text)))
        // Pieces that are only placeholders ("{} {}") or a lone word are not sentences.
        .filter((s) => /\p{L}{2,}\s+\p{L}{2,}/u.test(s.replaceAll('{}', '')))
        .filter((s) => !covered(s) && !NOT_UI.has(s))
        .map((s) => `${relative(ROOT, file)}: ${s}`),
    );
    expect(uncovered).toEqual([]);
  });

  describe('in German', () => {
    beforeEach(() => {
      Object.assign(fakeBrowser.i18n, { getMessage: (name: string) => german.get(name) ?? '' });
    });
    afterEach(() => {
      Object.assign(fakeBrowser.i18n, { getMessage: english });
    });

    const ready = {
      state: 'ready',
      modelId: MODELS[0]?.id ?? '',
      backend: 'wasm',
      backendReason: 'WASM was chosen in Options. It runs on 2 CPU threads.',
      dtypes: { vision_encoder: 'q8', embed_tokens: 'q8', decoder_model_merged: 'q8' },
    } as const;
    const downloading: EngineStatus = {
      state: 'downloading',
      modelId: 'HuggingFaceTB/SmolVLM2-500M-Video-Instruct',
      files: [{ file: 'onnx/decoder.onnx', loaded: 3.4 * 1024 * 1024, total: 200 * 1024 * 1024 }],
    };
    const context = { modelId: MODELS[1]?.id ?? '', remoteHost: 'https://mirror.example/' };
    const everySentence = [
      ...Object.values(IMAGE_ERRORS).map((e) => (typeof e === 'function' ? e(404) : e)),
      ENGINE_STOPPED,
      ENGINE_START_FAILED,
      GENERIC_FAILURE,
      new NoReceiver("Glimpse's background service didn't answer. Try again in a moment.").message,
      ...[
        'QuotaExceededError',
        'out of memory',
        '404 not found',
        '403 Forbidden',
        'fetch failed',
        '?',
      ].map((text) => describeLoadError(new Error(text), context).message),
      describeLoadError(new Error('out of memory'), { ...context, modelId: MODELS[0]?.id ?? '' })
        .message,
      ...(['auto', 'webgpu', 'wasm'] as const).flatMap((preference) =>
        [true, false].map(
          (available) =>
            chooseBackend(preference, { available, adapter: 'Intel', shaderF16: false }).reason,
        ),
      ),
      wasmThreadsNote(false, 1),
      wasmThreadsNote(true, 1),
      wasmThreadsNote(true, 4),
      checkModelFolder(['config.json']) ?? '',
      ...MODELS.map((m) => m.summary),
      modelName(`${IMPORTED_PREFIX}my-model`),
      ...[
        { state: 'idle' } as const,
        { state: 'loading', modelId: MODELS[0]?.id ?? '', backend: 'webgpu' } as const,
        downloading,
        ready,
        { state: 'error', modelId: 'x/y', message: ENGINE_STOPPED } as const,
      ].flatMap((status) => {
        const view = describeStatus(status);
        return [view.headline, view.detail ?? '', ...(view.files ?? []).map((f) => f.text)];
      }),
      describeRun({ ...statsOf(12.34), backend: 'wasm' }),
      describeRun({ ...statsOf(0), backend: 'webgpu' }),
    ].filter(Boolean);

    test.each(everySentence)('%s', (sentence) => {
      const shown = localizeEngineText(sentence);
      expect(shown).not.toBe(sentence);
      expect(shown).not.toMatch(/\{\w+\}/);
      // Each sentence came out translated, not left in English next to German ones.
      for (const part of sentences(sentence))
        if (/\p{L}{3,}\s+\p{L}{3,}/u.test(part)) expect(shown).not.toContain(part);
    });

    test('numbers are re-formatted for the language; unknown text is left as it came', () => {
      expect(localizeEngineText(describeStatus(downloading).detail ?? '')).toBe(
        '3,4 MB von 200 MB. Nur dieses eine Mal: Es bleibt auf Ihrem Gerät.',
      );
      expect(localizeEngineText(IMAGE_ERRORS.httpStatus(404))).toBe(
        'Das Bild konnte nicht heruntergeladen werden (die Website antwortete mit 404). Laden Sie die Seite neu und versuchen Sie es erneut.',
      );
      expect(localizeEngineText(ready.backendReason)).toBe(
        'WASM wurde in den Einstellungen gewählt. Es läuft auf 2 CPU-Threads.',
      );
      const software = chooseBackend('auto', {
        available: true,
        adapter: 'SwiftShader (software fallback adapter)',
        shaderF16: false,
      }).reason;
      expect(localizeEngineText(software)).toBe(
        'WebGPU ist verfügbar (SwiftShader (Software-Ersatzadapter)).',
      );
      expect(localizeEngineText('Something only a new engine says.')).toBe(
        'Something only a new engine says.',
      );
    });
  });

  test('an English UI gets the engine’s text unchanged', () => {
    expect(localizeEngineText(ENGINE_STOPPED)).toBe(ENGINE_STOPPED);
  });
});

function statsOf(tokensPerSecond: number) {
  return {
    modelId: 'm/x',
    promptTokens: 1,
    imageTokens: 64,
    newTokens: 3,
    ttftMs: 250,
    tokensPerSecond,
    totalMs: 900,
    reusedCache: false,
    loadMs: 0,
  };
}
