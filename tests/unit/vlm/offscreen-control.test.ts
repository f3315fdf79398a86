import { describe, expect, test } from 'vitest';
import type { EngineCommand, EngineEvent } from '@/src/messaging/protocol';
import { typedPort } from '@/src/messaging/typed-port';
import { createOffscreenControl, ENGINE_START_FAILED } from '@/src/vlm/offscreen-control';
import { portPair } from '../../support/fake-ports';

function fakeApi(options: { existing?: boolean; connects?: boolean } = {}) {
  let documents = options.existing ? 1 : 0;
  const calls: string[] = [];
  let control: ReturnType<typeof createOffscreenControl> | null = null;
  const connect = () => {
    if (options.connects === false) return;
    const [bg] = portPair();
    control?.attach(typedPort<EngineCommand, EngineEvent>(bg));
  };
  const api = {
    hasDocument: async () => documents > 0,
    createDocument: async () => {
      calls.push('create');
      if (documents > 0) throw new Error('Only a single offscreen document may be created.');
      documents++;
      setTimeout(connect, 5);
    },
    closeDocument: async () => {
      calls.push('close');
      documents = 0;
    },
    requestConnect: async () => {
      calls.push('connect');
      setTimeout(connect, 5);
    },
  };
  return {
    api,
    calls,
    bind: (c: typeof control) => {
      control = c;
    },
  };
}

describe('offscreen control', () => {
  test('creates the document once, even when many ask at the same moment', async () => {
    const f = fakeApi();
    const control = createOffscreenControl(f.api);
    f.bind(control);
    const ports = await Promise.all([control.ensure(), control.ensure(), control.ensure()]);
    expect(new Set(ports).size).toBe(1);
    expect(f.calls).toEqual(['create']);
    await control.ensure();
    expect(f.calls).toEqual(['create']);
  });

  test('after a worker restart it finds the open document and asks it to reconnect', async () => {
    const f = fakeApi({ existing: true });
    const control = createOffscreenControl(f.api);
    f.bind(control);
    await control.ensure();
    expect(f.calls).toEqual(['connect']);
  });

  test('a document that never connects gives a sentence, not a hang', async () => {
    const f = fakeApi({ connects: false });
    const control = createOffscreenControl(f.api, { connectTimeoutMs: 30 });
    f.bind(control);
    await expect(control.ensure()).rejects.toThrow(ENGINE_START_FAILED);
  });

  test('close closes the document', async () => {
    const f = fakeApi();
    const control = createOffscreenControl(f.api);
    f.bind(control);
    await control.ensure();
    await control.close();
    expect(f.calls).toEqual(['create', 'close']);
    expect(control.attached).toBe(false);
  });
});
