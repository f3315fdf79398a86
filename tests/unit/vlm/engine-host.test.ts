import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { EngineCommand, EngineEvent, EngineStatus } from '@/src/messaging/protocol';
import { typedPort } from '@/src/messaging/typed-port';
import type { AskOutcome, VlmEngine } from '@/src/vlm/engine';
import { createEngineHost } from '@/src/vlm/engine-host';
import { DEFAULT_SETTINGS, engineSettingsOf } from '@/src/vlm/settings';
import { portPair } from '../../support/fake-ports';

/** An engine double that streams until told to finish; the host's logic is what is under test. */
function scriptedEngine() {
  const signals: AbortSignal[] = [];
  let finish: ((o: AskOutcome) => void) | null = null;
  const engine = {
    status: { state: 'idle' } as EngineStatus,
    ask: (_r: unknown, onToken: (t: string) => void, signal: AbortSignal) => {
      signals.push(signal);
      onToken('Hello');
      return new Promise<AskOutcome>((resolve) => {
        finish = resolve;
        signal.addEventListener('abort', () => resolve({ outcome: 'cancelled' }));
      });
    },
    endConversation: vi.fn(),
  } as unknown as VlmEngine;
  return { engine, signals, finish: (o: AskOutcome) => finish?.(o) };
}

const askCommand = (idleMinutes: number): EngineCommand => ({
  type: 'ask',
  requestId: 'r1',
  conversationId: 'c1',
  question: 'q',
  settings: { ...engineSettingsOf(DEFAULT_SETTINGS), idleMinutes },
});

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('engine host (offscreen document)', () => {
  test('streams tokens, ends with done, and reports idle after the timeout', async () => {
    const { engine, finish } = scriptedEngine();
    const onIdle = vi.fn();
    const host = createEngineHost({ engine, onIdle });
    const [bg, off] = portPair();
    const events: EngineEvent[] = [];
    typedPort<EngineCommand, EngineEvent>(bg).onMessage((e) => events.push(e));
    host.attach(typedPort(off));
    typedPort<EngineCommand, EngineEvent>(bg).post(askCommand(2));
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toContainEqual({ type: 'token', requestId: 'r1', text: 'Hello' });

    // Not idle while answering, however long it takes.
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(onIdle).not.toHaveBeenCalled();
    finish({ outcome: 'cancelled' });
    await vi.advanceTimersByTimeAsync(0);
    expect(events.at(-1)).toEqual({ type: 'cancelled', requestId: 'r1' });
    await vi.advanceTimersByTimeAsync(2 * 60_000 - 1);
    expect(onIdle).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  test('a lost background port cancels what runs: nobody would read the answer', async () => {
    const { engine, signals } = scriptedEngine();
    const host = createEngineHost({ engine, onIdle: () => {} });
    const [bg, off] = portPair();
    host.attach(typedPort(off));
    typedPort<EngineCommand, EngineEvent>(bg).post(askCommand(5));
    await vi.advanceTimersByTimeAsync(0);
    bg.disconnect();
    await vi.advanceTimersByTimeAsync(0);
    expect(signals[0]?.aborted).toBe(true);
    expect(host.attached).toBe(false);
  });

  test('download progress is throttled; state changes are sent at once', async () => {
    const { engine } = scriptedEngine();
    const host = createEngineHost({ engine, onIdle: () => {}, now: () => Date.now() });
    const [bg, off] = portPair();
    const events: EngineEvent[] = [];
    typedPort<EngineCommand, EngineEvent>(bg).onMessage((e) => events.push(e));
    host.attach(typedPort(off));
    await vi.advanceTimersByTimeAsync(0);
    events.length = 0;
    const downloading = (loaded: number): EngineStatus => ({
      state: 'downloading',
      modelId: 'm/x',
      files: [{ file: 'a.onnx', loaded, total: 100 }],
    });
    for (let i = 1; i <= 50; i++) host.publishStatus(downloading(i));
    host.publishStatus({ state: 'loading', modelId: 'm/x', backend: 'wasm' });
    await vi.advanceTimersByTimeAsync(1000);
    const states = events.map((e) => (e.type === 'status' ? e.status.state : e.type));
    expect(states.filter((s) => s === 'downloading').length).toBeLessThanOrEqual(2);
    expect(states.at(-1)).toBe('loading');
  });

  test('keeps its host alive (Firefox event page) only while a request runs', async () => {
    const { engine, finish } = scriptedEngine();
    const keepAlive = vi.fn();
    const host = createEngineHost({ engine, onIdle: vi.fn(), keepAlive, keepAliveMs: 5_000 });
    const [bg, off] = portPair();
    host.attach(typedPort(off));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(keepAlive).not.toHaveBeenCalled();

    typedPort<EngineCommand, EngineEvent>(bg).post(askCommand(5));
    await vi.advanceTimersByTimeAsync(0);
    expect(keepAlive).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(keepAlive).toHaveBeenCalledTimes(5);

    finish({ outcome: 'cancelled' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(keepAlive).toHaveBeenCalledTimes(5);
  });
});

describe('engine host: prefill', () => {
  test('a prefill ends with prefilled and its stats; a cancel reaches the engine as an abort', async () => {
    const stats = { prefillMs: 9, loadMs: 0, imageTokens: 64, promptTokens: 70 };
    const signals: AbortSignal[] = [];
    const engine = {
      status: { state: 'idle' } as EngineStatus,
      prefill: (request: { requestId: string }, signal: AbortSignal) => {
        signals.push(signal);
        return new Promise((resolve) => {
          if (request.requestId === 'p1') resolve({ outcome: 'done', stats });
          signal.addEventListener('abort', () => resolve({ outcome: 'cancelled' }));
        });
      },
      endConversation: vi.fn(),
    } as unknown as VlmEngine;
    const host = createEngineHost({ engine, onIdle: vi.fn() });
    const [bg, off] = portPair();
    const events: EngineEvent[] = [];
    const background = typedPort<EngineCommand, EngineEvent>(bg);
    background.onMessage((e) => events.push(e));
    host.attach(typedPort(off));
    const prefill = (requestId: string): EngineCommand => ({
      type: 'prefill',
      requestId,
      conversationId: 'c1',
      image: { kind: 'url', url: 'https://example.com/a.png' },
      settings: engineSettingsOf(DEFAULT_SETTINGS),
    });
    background.post(prefill('p1'));
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toContainEqual({ type: 'prefilled', requestId: 'p1', stats });

    background.post(prefill('p2'));
    await vi.advanceTimersByTimeAsync(0);
    background.post({ type: 'cancel', requestId: 'p2' });
    await vi.advanceTimersByTimeAsync(0);
    expect(signals[1]?.aborted).toBe(true);
    expect(events).toContainEqual({ type: 'cancelled', requestId: 'p2' });
  });
});
