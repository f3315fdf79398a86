import { describe, expect, test } from 'vitest';
import type {
  EngineCommand,
  EngineWorkerInbound,
  EngineWorkerOutbound,
} from '@/src/messaging/protocol';
import { type EngineWorkerScope, runEngineWorker } from '@/src/vlm/engine-worker';
import type { OrtLoader } from '@/src/vlm/ort-runtime';
import { DEFAULT_SETTINGS, engineSettingsOf } from '@/src/vlm/settings';

/** A worker scope whose page is the test: what the worker posts, and a way to post to it. */
function fakeScope() {
  const posted: EngineWorkerOutbound[] = [];
  let listener: ((event: { data: EngineWorkerInbound }) => void) | null = null;
  const scope: EngineWorkerScope = {
    postMessage: (message) => void posted.push(message),
    addEventListener: (_type, cb) => {
      listener = cb;
    },
  };
  return { scope, posted, send: (data: EngineWorkerInbound) => listener?.({ data }) };
}

/** No ORT runtime can load here: every ask fails at loading, which is enough to see it arrive. */
const noRuntime: OrtLoader = {
  forBackend: async () => ({ unavailable: 'No runtime in this test.' }),
  get loaded() {
    return null;
  },
};

const ask = (requestId: string): EngineCommand => ({
  type: 'ask',
  requestId,
  conversationId: `c-${requestId}`,
  question: 'What is this?',
  image: { kind: 'url', url: 'data:image/png;base64,AAAA' },
  settings: { ...engineSettingsOf(DEFAULT_SETTINGS), backend: 'wasm' },
});

const events = (posted: EngineWorkerOutbound[]) =>
  posted.flatMap((m) => (m.type === 'event' ? [m.event] : []));

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('engine worker (the engine off the extension main thread)', () => {
  test('a connected port gets the status at once, and its commands reach the engine', async () => {
    const { scope, posted, send } = fakeScope();
    runEngineWorker(scope, {
      loader: noRuntime,
      crossOriginIsolated: true,
      hardwareConcurrency: 2,
    });
    send({ type: 'port', connected: true });
    expect(events(posted)).toEqual([{ type: 'status', status: { state: 'idle' } }]);

    send({ type: 'command', command: ask('r1') });
    await settle();
    const end = events(posted).find((e) => 'requestId' in e && e.requestId === 'r1');
    expect(end?.type).toBe('error');
    // While it ran, the worker asked its page to keep its host loaded.
    expect(posted.some((m) => m.type === 'keepalive')).toBe(true);
  });

  test('commands without a port are dropped; a closed port gets nothing; a new one gets the status', async () => {
    const { scope, posted, send } = fakeScope();
    runEngineWorker(scope, {
      loader: noRuntime,
      crossOriginIsolated: false,
      hardwareConcurrency: 2,
    });
    send({ type: 'command', command: ask('early') });
    await settle();
    expect(posted).toEqual([]);

    send({ type: 'port', connected: true });
    send({ type: 'command', command: ask('r2') });
    send({ type: 'port', connected: false });
    await settle();
    // r2 failed after its port closed: nobody was listening, so nothing went out for it.
    expect(events(posted).some((e) => 'requestId' in e && e.requestId === 'r2')).toBe(false);

    const before = posted.length;
    send({ type: 'port', connected: true });
    expect(events(posted.slice(before))).toEqual([{ type: 'status', status: expect.anything() }]);
  });
});
