import { describe, expect, test } from 'vitest';
import type { AskPortMessage, EngineCommand } from '@/src/messaging/protocol';
import { ENGINE_STOPPED } from '@/src/vlm/ask-router';
import { DEFAULT_SETTINGS } from '@/src/vlm/settings';
import { flush } from '../../support/fake-ports';
import { routerWithScriptedEngine as setup } from '../../support/scripted-router';

const stats = {
  backend: 'wasm' as const,
  modelId: 'm/x',
  promptTokens: 1,
  imageTokens: 0,
  newTokens: 1,
  ttftMs: 1,
  tokensPerSecond: 1,
  totalMs: 1,
  reusedCache: false,
  loadMs: 0,
};

const ask = (requestId: string, conversationId = requestId): AskPortMessage => ({
  type: 'ask',
  requestId,
  conversationId,
  question: 'What is it?',
  image: { kind: 'url', url: 'https://example.com/a.png' },
});
const asks = (commands: EngineCommand[]) => commands.filter((c) => c.type === 'ask');
const prefill = (requestId: string, conversationId: string): AskPortMessage => ({
  type: 'prefill',
  requestId,
  conversationId,
  image: { kind: 'url', url: 'https://example.com/a.png' },
});
const prefillStats = { prefillMs: 5, loadMs: 0, imageTokens: 64, promptTokens: 70 };
/** The engine-side id of the last command of that type for that conversation. */
const engineId = (commands: EngineCommand[], type: 'ask' | 'prefill', conversationId: string) => {
  const found = commands.findLast((c) => c.type === type && c.conversationId === conversationId);
  return found && 'requestId' in found ? found.requestId : '';
};

describe('ask router', () => {
  test('starts the offscreen document once, namespaces ids, and relays one stream to its requester', async () => {
    const t = setup();
    const a = t.requester('tab-1');
    a.port.post(ask('r1'));
    await flush();
    expect(t.documents()).toBe(1);
    const [first] = asks(t.commands);
    expect(first).toMatchObject({
      requestId: expect.stringMatching(/^tab-1\/r1#\d+$/),
      conversationId: 'tab-1/r1',
    });
    expect(first?.type === 'ask' && first.settings.modelId).toBe(DEFAULT_SETTINGS.modelId);
    const id = first?.type === 'ask' ? first.requestId : '';
    t.engine({ type: 'token', requestId: id, text: 'A ' });
    t.engine({ type: 'token', requestId: id, text: 'cat.' });
    t.engine({ type: 'done', requestId: id, stats });
    await flush();
    expect(a.events.filter((e) => e.type !== 'status')).toEqual([
      { type: 'queued', requestId: 'r1', ahead: 0 },
      { type: 'token', requestId: 'r1', text: 'A ' },
      { type: 'token', requestId: 'r1', text: 'cat.' },
      { type: 'done', requestId: 'r1', stats },
    ]);
    expect(t.done).toEqual([stats]);
  });

  test('one at a time, fair across tabs; queued requests learn how many are ahead', async () => {
    const t = setup();
    const a = t.requester('tab-1');
    const b = t.requester('tab-2');
    a.port.post(ask('a1'));
    a.port.post(ask('a2'));
    b.port.post(ask('b1'));
    await flush();
    expect(asks(t.commands)).toHaveLength(1);
    expect(b.events).toContainEqual({ type: 'queued', requestId: 'b1', ahead: 1 });
    const finish = async () => {
      const last = asks(t.commands).at(-1);
      if (last?.type === 'ask') t.engine({ type: 'done', requestId: last.requestId, stats });
      await flush();
    };
    await finish();
    await finish();
    await finish();
    // tab-2's single question ran before tab-1's second one.
    expect(asks(t.commands).map((c) => (c.type === 'ask' ? c.conversationId : ''))).toEqual([
      'tab-1/a1',
      'tab-2/b1',
      'tab-1/a2',
    ]);
  });

  test('cancel: a queued request ends at once; the running one is cancelled in the engine', async () => {
    const t = setup();
    const a = t.requester('tab-1');
    a.port.post(ask('run'));
    a.port.post(ask('wait'));
    await flush();
    a.port.post({ type: 'cancel', requestId: 'wait' });
    a.port.post({ type: 'cancel', requestId: 'run' });
    await flush();
    expect(a.events).toContainEqual({ type: 'cancelled', requestId: 'wait' });
    const running = asks(t.commands)[0];
    expect(t.commands).toContainEqual({
      type: 'cancel',
      requestId: running?.type === 'ask' ? running.requestId : '',
    });
    expect(asks(t.commands)).toHaveLength(1);
  });

  test('a closed panel cancels its work and frees its conversations', async () => {
    const t = setup();
    const a = t.requester('tab-7');
    a.port.post(ask('r1', 'conv-1'));
    a.port.post(ask('r2', 'conv-1'));
    await flush();
    a.port.disconnect();
    await flush();
    const running = asks(t.commands)[0];
    expect(t.commands).toContainEqual({
      type: 'cancel',
      requestId: running?.type === 'ask' ? running.requestId : '',
    });
    expect(t.commands).toContainEqual({ type: 'end-conversation', conversationId: 'tab-7/conv-1' });
    expect(asks(t.commands)).toHaveLength(1);
  });

  test('a kept conversation survives its panel closing, and its side panel carries it on', async () => {
    const t = setup();
    const frame = t.requester('tab-7');
    frame.port.post(ask('r1', 'conv-1'));
    await flush();
    frame.port.post({ type: 'keep-conversation', conversationId: 'conv-1' });
    await flush();
    frame.port.disconnect();
    await flush();
    expect(t.commands).not.toContainEqual({
      type: 'end-conversation',
      conversationId: 'tab-7/conv-1',
    });
    // The side panel connects under the same tab key: its follow-up is the same conversation.
    const side = t.requester('tab-7');
    side.port.post({ type: 'ask', requestId: 'r2', conversationId: 'conv-1', question: 'More?' });
    await flush();
    expect(asks(t.commands).map((c) => c.type === 'ask' && c.conversationId)).toContain(
      'tab-7/conv-1',
    );
    side.port.disconnect();
    await flush();
    expect(t.commands).toContainEqual({ type: 'end-conversation', conversationId: 'tab-7/conv-1' });
  });

  test('the engine going away ends the running request with a sentence; the next ask starts it again', async () => {
    const t = setup();
    const a = t.requester('tab-1');
    a.port.post(ask('r1'));
    await flush();
    t.closeEngine();
    await flush();
    expect(a.events).toContainEqual({ type: 'error', requestId: 'r1', message: ENGINE_STOPPED });
    a.port.post(ask('r2'));
    await flush();
    expect(asks(t.commands)).toHaveLength(2);
  });

  test('events for another request never reach a requester', async () => {
    const t = setup();
    const a = t.requester('tab-1');
    a.port.post(ask('r1'));
    await flush();
    t.engine({ type: 'token', requestId: 'tab-2/r1#99', text: 'secret' });
    await flush();
    expect(a.events.some((e) => e.type === 'token')).toBe(false);
  });

  test('idle close happens only when nothing runs or waits', async () => {
    const t = setup();
    const a = t.requester('tab-1');
    a.port.post(ask('r1'));
    await flush();
    expect(await t.router.closeIfIdle()).toBe(false);
    const running = asks(t.commands)[0];
    t.engine({ type: 'done', requestId: running?.type === 'ask' ? running.requestId : '', stats });
    await flush();
    expect(await t.router.closeIfIdle()).toBe(true);
    expect(t.documents()).toBe(0);
  });

  test('a prefill runs when nothing else waits, and ends with its stats', async () => {
    const t = setup();
    const a = t.requester('tab-1');
    a.port.post(prefill('p1', 'c1'));
    await flush();
    expect(t.commands).toContainEqual(
      expect.objectContaining({ type: 'prefill', conversationId: 'tab-1/c1' }),
    );
    t.engine({
      type: 'prefilled',
      requestId: engineId(t.commands, 'prefill', 'tab-1/c1'),
      stats: prefillStats,
    });
    await flush();
    expect(a.events).toContainEqual({ type: 'prefilled', requestId: 'p1', stats: prefillStats });
    expect(t.router.busy).toBe(false);
  });

  test("prefills give way: any question goes first, and another tab's question stops the running prefill", async () => {
    const t = setup();
    const a = t.requester('tab-1');
    const b = t.requester('tab-2');
    a.port.post(ask('a1', 'ca'));
    a.port.post(prefill('pb', 'cb')); // queued behind a1
    await flush();
    b.port.post(ask('b1', 'cq')); // arrives later, still goes before the waiting prefill
    t.engine({ type: 'done', requestId: engineId(t.commands, 'ask', 'tab-1/ca'), stats });
    await flush();
    expect(t.commands.filter((c) => c.type !== 'cancel').map((c) => c.type)).toEqual([
      'ask',
      'ask',
    ]);
    t.engine({ type: 'done', requestId: engineId(t.commands, 'ask', 'tab-2/cq'), stats });
    await flush();
    // Now the prefill runs; a question from tab-2 stops it at its next tile.
    const prefillId = engineId(t.commands, 'prefill', 'tab-1/cb');
    expect(prefillId).not.toBe('');
    b.port.post(ask('b2', 'cq'));
    await flush();
    expect(t.commands).toContainEqual({ type: 'cancel', requestId: prefillId });
    t.engine({ type: 'cancelled', requestId: prefillId });
    await flush();
    // tab-1 is not told its prefill was cancelled: it runs again after the question.
    expect(a.events.some((e) => e.type === 'cancelled')).toBe(false);
    expect(asks(t.commands).filter((c) => c.conversationId === 'tab-2/cq')).toHaveLength(2);
    expect(t.commands.filter((c) => c.type === 'prefill')).toHaveLength(1);
    t.engine({ type: 'done', requestId: engineId(t.commands, 'ask', 'tab-2/cq'), stats });
    await flush();
    expect(t.commands.filter((c) => c.type === 'prefill')).toHaveLength(2);
    t.engine({
      type: 'prefilled',
      requestId: engineId(t.commands, 'prefill', 'tab-1/cb'),
      stats: prefillStats,
    });
    await flush();
    expect(a.events).toContainEqual({ type: 'prefilled', requestId: 'pb', stats: prefillStats });
  });

  test("a question for the prefill's own conversation waits for it instead of stopping it", async () => {
    const t = setup();
    const a = t.requester('tab-1');
    a.port.post(prefill('p', 'c'));
    await flush();
    a.port.post(ask('q', 'c'));
    await flush();
    expect(t.commands.some((c) => c.type === 'cancel')).toBe(false);
    t.engine({
      type: 'prefilled',
      requestId: engineId(t.commands, 'prefill', 'tab-1/c'),
      stats: prefillStats,
    });
    await flush();
    expect(asks(t.commands)).toHaveLength(1);
  });

  test('a waiting prefill is dropped when its question comes first; ending the conversation cancels one that runs', async () => {
    const t = setup();
    const a = t.requester('tab-1');
    a.port.post(ask('busy', 'other'));
    a.port.post(prefill('p1', 'c1'));
    await flush();
    a.port.post(ask('q1', 'c1'));
    await flush();
    expect(a.events).toContainEqual({ type: 'cancelled', requestId: 'p1' });

    const b = t.requester('tab-2');
    t.engine({ type: 'done', requestId: engineId(t.commands, 'ask', 'tab-1/other'), stats });
    await flush();
    t.engine({ type: 'done', requestId: engineId(t.commands, 'ask', 'tab-1/c1'), stats });
    b.port.post(prefill('p2', 'c2'));
    await flush();
    const running = engineId(t.commands, 'prefill', 'tab-2/c2');
    b.port.post({ type: 'end-conversation', conversationId: 'c2' });
    await flush();
    expect(t.commands).toContainEqual({ type: 'cancel', requestId: running });
    t.engine({ type: 'cancelled', requestId: running });
    await flush();
    expect(b.events).toContainEqual({ type: 'cancelled', requestId: 'p2' });
    expect(t.commands.filter((c) => c.type === 'prefill')).toHaveLength(1);
  });
});
