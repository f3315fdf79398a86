import { beforeEach, describe, expect, test } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { OptionsModel } from '@/src/settings/options-model';
import {
  buildServiceUrl,
  defineVoteSettingsItem,
  normalizeServiceUrl,
  readVoteSettings,
  syncTargetOf,
} from '@/src/verdicts/vote-settings';
import { DEFAULT_SETTINGS } from '@/src/vlm/settings';

beforeEach(() => fakeBrowser.reset());

function optionsWithRealStorage(defaultServiceUrl: string | null) {
  const item = defineVoteSettingsItem();
  const model = new OptionsModel({
    load: async () => DEFAULT_SETTINGS,
    save: async () => undefined,
    caches: {
      open: () => Promise.reject(new Error('no caches here')),
      delete: async () => false,
      has: async () => false,
    },
    probeGpu: async () => ({ available: false, shaderF16: false, adapter: '' }),
    confirm: () => true,
    votes: {
      load: () => readVoteSettings(item),
      save: (settings) => item.setValue(settings),
      defaultServiceUrl,
    },
  });
  return { model, item };
}

describe('Options: the vote service', () => {
  test('a service address is validated, normalised and stored; empty goes back to the build’s', async () => {
    const { model, item } = optionsWithRealStorage('https://votes.example.org');
    await expect.poll(() => model.loaded.value).toBe(true);
    expect(model.defaultVoteServiceUrl.value).toBe('https://votes.example.org');

    model.setVoteServiceUrl('ftp://votes.example.org');
    expect(model.voteUrlError.value).toMatch(/https:\/\//);
    model.setVoteServiceUrl('not a url');
    expect(model.voteUrlError.value).not.toBeNull();
    expect((await readVoteSettings(item)).serviceUrl).toBeNull();

    model.setVoteServiceUrl('  http://127.0.0.1:8787/  ');
    expect(model.voteUrlError.value).toBeNull();
    await expect
      .poll(async () => (await readVoteSettings(item)).serviceUrl)
      .toBe('http://127.0.0.1:8787');
    model.setVoteServiceUrl('');
    await expect.poll(async () => (await readVoteSettings(item)).serviceUrl).toBeNull();
  });

  test('the device-only switch is stored and wins over any service', async () => {
    const { model, item } = optionsWithRealStorage('https://votes.example.org');
    await expect.poll(() => model.loaded.value).toBe(true);
    await model.setDeviceOnly(true);
    const stored = await readVoteSettings(item);
    expect(stored).toEqual({ serviceUrl: null, deviceOnly: true });
    expect(syncTargetOf(stored, 'https://votes.example.org')).toEqual({
      mode: 'device-only',
      reason: 'user-choice',
    });
    expect(model.saveState.value).toBe('saved');
  });

  test('which service: the user’s, else the build’s, else none', () => {
    const none = { serviceUrl: null, deviceOnly: false };
    expect(syncTargetOf(none, null)).toEqual({ mode: 'device-only', reason: 'no-service' });
    expect(syncTargetOf(none, 'https://a.example')).toEqual({
      mode: 'service',
      url: 'https://a.example',
    });
    expect(
      syncTargetOf({ ...none, serviceUrl: 'https://b.example/' }, 'https://a.example'),
    ).toEqual({ mode: 'service', url: 'https://b.example' });
    expect(buildServiceUrl('')).toBeNull();
    expect(buildServiceUrl(undefined)).toBeNull();
    expect(buildServiceUrl('https://votes.example.org/glimpse/')).toBe(
      'https://votes.example.org/glimpse',
    );
    expect(normalizeServiceUrl('https://votes.example.org/?x=1')).toBeNull();
    expect(normalizeServiceUrl('https://user:pw@votes.example.org')).toBeNull();
  });
});
