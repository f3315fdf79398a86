import { beforeEach, describe, expect, test } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  checkModelFolder,
  IMPORT_HOST,
  importedModelId,
  relativeToFolder,
} from '@/src/vlm/model-import';
import { DEFAULT_MODEL_ID, HUB_HOST, isValidModelId, modelName } from '@/src/vlm/model-registry';
import {
  DEFAULT_SETTINGS,
  defineSettingsItem,
  engineSettingsOf,
  readSettings,
} from '@/src/vlm/settings';
import { describeRun, describeStatus } from '@/src/vlm/status-format';

beforeEach(() => fakeBrowser.reset());

describe('settings', () => {
  test('defaults: SmolVLM2-256M from the Hub, automatic backend, 5 idle minutes', async () => {
    expect(await readSettings(defineSettingsItem())).toEqual({
      modelId: DEFAULT_MODEL_ID,
      remoteHost: HUB_HOST,
      backend: 'auto',
      splitImages: 'auto',
      followUps: 'kv-cache',
      dtypeOverrides: {},
      idleMinutes: 5,
    });
    expect(DEFAULT_MODEL_ID).toBe('HuggingFaceTB/SmolVLM2-256M-Video-Instruct');
  });

  test('a damaged stored value falls back instead of breaking the engine', async () => {
    await fakeBrowser.storage.local.set({ settings: { backend: 'quantum', idleMinutes: -3 } });
    expect(await readSettings(defineSettingsItem())).toEqual(DEFAULT_SETTINGS);
    await fakeBrowser.storage.local.set({ settings: { modelId: 'me/my-model' } });
    expect((await readSettings(defineSettingsItem())).modelId).toBe('me/my-model');
  });

  test('the engine gets a slash-terminated host, and imported models their reserved host', () => {
    expect(
      engineSettingsOf({ ...DEFAULT_SETTINGS, remoteHost: 'https://mirror.example/hf' }).remoteHost,
    ).toBe('https://mirror.example/hf/');
    expect(engineSettingsOf({ ...DEFAULT_SETTINGS, modelId: 'local/Mine' }).remoteHost).toBe(
      IMPORT_HOST,
    );
  });
});

describe('model ids and imports', () => {
  test('model ids look like owner/name', () => {
    expect(isValidModelId('HuggingFaceTB/SmolVLM2-2.2B-Instruct')).toBe(true);
    for (const bad of ['smolvlm', 'a/b/c', '../etc', 'a/..', 'a b/c', ''])
      expect(isValidModelId(bad)).toBe(false);
    expect(modelName('local/Mine')).toBe('Mine (imported)');
    expect(modelName(DEFAULT_MODEL_ID)).toBe('SmolVLM2 256M');
  });

  test('a picked folder is checked for a complete SmolVLM export', () => {
    const complete = [
      'config.json',
      'preprocessor_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'onnx/vision_encoder_q4.onnx',
      'onnx/embed_tokens.onnx',
      'onnx/decoder_model_merged_q4.onnx',
    ];
    expect(checkModelFolder(complete)).toBeNull();
    expect(checkModelFolder(complete.filter((p) => !p.includes('decoder')))).toBe(
      "This folder isn't a complete SmolVLM ONNX export: it has no onnx/decoder_model_merged*.onnx.",
    );
    expect(relativeToFolder('My Model/onnx/a.onnx')).toEqual({
      folder: 'My Model',
      path: 'onnx/a.onnx',
    });
    expect(importedModelId('My Model (2)')).toBe('local/My-Model-2');
    expect(isValidModelId(importedModelId('../../x'))).toBe(true);
  });
});

describe('status lines', () => {
  test('download progress in % and MB per file, readiness with its backend', () => {
    const view = describeStatus({
      state: 'downloading',
      modelId: DEFAULT_MODEL_ID,
      files: [
        {
          file: 'onnx/decoder_model_merged_q4.onnx',
          loaded: 45 * 1024 * 1024,
          total: 87 * 1024 * 1024,
        },
        { file: 'config.json', loaded: 3000, total: 3000 },
      ],
    });
    expect(view.headline).toBe('Downloading SmolVLM2 256M: 51%');
    expect(view.files?.[0]).toEqual({
      name: 'decoder_model_merged_q4.onnx',
      percent: 51,
      text: '45 MB of 87 MB',
    });
    expect(view.files?.[1]?.text).toBe('3 KB of 3 KB');
    expect(
      describeStatus({
        state: 'ready',
        modelId: DEFAULT_MODEL_ID,
        backend: 'wasm',
        backendReason: 'WASM was chosen in Options.',
        dtypes: { vision_encoder: 'q8', embed_tokens: 'q8', decoder_model_merged: 'q4' },
        notice: 'WebGPU stopped working (the GPU device was lost), so Glimpse switched to WASM.',
      }),
    ).toMatchObject({
      tone: 'ready',
      headline: 'SmolVLM2 256M ready on WASM (CPU)',
      detail: expect.stringMatching(/switched to WASM/),
    });
    expect(
      describeRun({
        backend: 'webgpu',
        modelId: 'x/y',
        promptTokens: 1,
        imageTokens: 0,
        newTokens: 9,
        ttftMs: 123.4,
        tokensPerSecond: 41.26,
        totalMs: 400,
        reusedCache: false,
        loadMs: 0,
      }),
    ).toBe('41.3 tokens/s · first token in 123 ms · WebGPU');
  });
});
