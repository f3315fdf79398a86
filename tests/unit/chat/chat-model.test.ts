import { describe, expect, test } from 'vitest';
import type { AskFields, ChatTransport } from '@/src/chat/ask-transport';
import { ChatModel } from '@/src/chat/chat-model';
import { QUICK_ACTIONS } from '@/src/chat/prompts';
import type { AskPortEvent, EngineStatus } from '@/src/messaging/protocol';

const stats = {
  backend: 'wasm' as const,
  modelId: 'm/x',
  promptTokens: 300,
  imageTokens: 256,
  newTokens: 5,
  ttftMs: 40,
  tokensPerSecond: 90,
  totalMs: 100,
  reusedCache: false,
  loadMs: 0,
};

function fakeTransport() {
  const asked: AskFields[] = [];
  const cancelled: string[] = [];
  const ended: string[] = [];
  const listeners = new Map<string, (e: AskPortEvent) => void>();
  let status: (s: EngineStatus) => void = () => {};
  let closed = false;
  const transport: ChatTransport = {
    ask(fields, onEvent) {
      asked.push(fields);
      listeners.set(fields.requestId, onEvent);
    },
    cancel: (id) => cancelled.push(id),
    endConversation: (id) => ended.push(id),
    onStatus: (l) => {
      status = l;
    },
    close: () => {
      closed = true;
    },
  };
  type WithoutId<E> = E extends { requestId: string } ? Omit<E, 'requestId'> : never;
  const emit = (index: number, event: WithoutId<AskPortEvent>) => {
    const fields = asked[index];
    if (!fields) throw new Error('no such ask');
    listeners.get(fields.requestId)?.({ ...event, requestId: fields.requestId } as AskPortEvent);
  };
  return {
    transport,
    asked,
    cancelled,
    ended,
    emit,
    setStatus: (s: EngineStatus) => status(s),
    isClosed: () => closed,
  };
}

let ids = 0;
const image = { kind: 'url' as const, url: 'https://example.com/cat.png' };
const make = (t = fakeTransport(), copied: string[] = []) =>
  new ChatModel({
    transport: t.transport,
    image,
    newId: () => `id-${++ids}`,
    copy: async (text) => {
      copied.push(text);
    },
    openSettings: () => {},
  });

describe('chat panel model', () => {
  test('a question streams into its turn; the first carries the image, follow-ups do not', () => {
    const t = fakeTransport();
    const model = make(t);
    model.draft.value = '  What is it?  ';
    model.send();
    expect(model.draft.value).toBe('');
    expect(t.asked[0]).toMatchObject({ question: 'What is it?', image });
    const [turn] = model.turns.value;
    expect(turn?.state.value).toBe('waiting');
    expect(model.canAsk.value).toBe(false);
    t.emit(0, { type: 'token', text: 'A ' });
    t.emit(0, { type: 'token', text: 'cat.' });
    expect(turn?.state.value).toBe('streaming');
    expect(turn?.answer.value).toBe('A cat.');
    t.emit(0, { type: 'done', stats });
    expect(turn?.state.value).toBe('done');
    expect(model.isFollowUp.value).toBe(true);

    model.draft.value = 'What colour?';
    model.send();
    expect(t.asked[1]).toMatchObject({
      question: 'What colour?',
      conversationId: t.asked[0]?.conversationId,
    });
    expect(t.asked[1]).not.toHaveProperty('image');
  });

  test('quick actions send their prompt and show their name', () => {
    const t = fakeTransport();
    const model = make(t);
    model.askQuick('alt-text');
    const action = QUICK_ACTIONS.find((a) => a.id === 'alt-text');
    expect(t.asked[0]?.question).toBe(action?.prompt);
    expect(model.turns.value[0]?.label).toBe('Write alt text');
  });

  test('stop cancels the running request; one question at a time', () => {
    const t = fakeTransport();
    const model = make(t);
    model.draft.value = 'Go on';
    model.send();
    model.draft.value = 'Another';
    model.send();
    expect(t.asked).toHaveLength(1);
    expect(model.draft.value).toBe('Another');
    model.stop();
    expect(t.cancelled).toEqual([t.asked[0]?.requestId]);
    t.emit(0, { type: 'cancelled' });
    expect(model.turns.value[0]?.state.value).toBe('cancelled');
    expect(model.canAsk.value).toBe(true);
  });

  test('an error shows its sentence, and the next question sends the image again', () => {
    const t = fakeTransport();
    const model = make(t);
    model.draft.value = 'Q1';
    model.send();
    t.emit(0, { type: 'done', stats });
    model.draft.value = 'Q2';
    model.send();
    t.emit(1, {
      type: 'error',
      message: "Glimpse's on-device model stopped unexpectedly. Ask again to restart it.",
    });
    expect(model.turns.value[1]?.error.value).toMatch(/stopped unexpectedly/);
    model.draft.value = 'Q3';
    model.send();
    expect(t.asked[2]).toMatchObject({ image });
  });

  test('Try again asks the failed question again, with the image', () => {
    const t = fakeTransport();
    const model = make(t);
    model.askQuick('describe');
    t.emit(0, { type: 'error', message: "Couldn't download the model from huggingface.co." });
    const failed = model.turns.value[0];
    if (!failed) throw new Error('turn expected');
    model.retry(failed);
    expect(t.asked[1]).toMatchObject({ question: t.asked[0]?.question, image });
    expect(model.turns.value[1]?.label).toBe('Describe');
  });

  test('an unreadable image disables asking and says why', () => {
    const t = fakeTransport();
    const model = new ChatModel({
      transport: t.transport,
      image: null,
      problem: "Glimpse can't read images from this kind of address.",
      newId: () => `id-${++ids}`,
      copy: async () => {},
      openSettings: () => {},
    });
    expect(model.problem.value).toMatch(/can't read images/);
    model.draft.value = 'What is it?';
    model.send();
    expect(t.asked).toHaveLength(0);
  });

  test('status, copy, and close (which frees the conversation)', async () => {
    const t = fakeTransport();
    const copied: string[] = [];
    const model = make(t, copied);
    t.setStatus({ state: 'loading', modelId: 'm/x', backend: 'wasm' });
    expect(model.status.value.state).toBe('loading');
    model.draft.value = 'Q';
    model.send();
    t.emit(0, { type: 'token', text: ' An answer. ' });
    t.emit(0, { type: 'done', stats });
    const turn = model.turns.value[0];
    if (!turn) throw new Error('turn expected');
    await model.copy(turn);
    expect(copied).toEqual(['An answer.']);
    expect(model.copiedTurnId.value).toBe(turn.id);
    model.close();
    expect(t.ended).toEqual([t.asked[0]?.conversationId]);
    expect(t.isClosed()).toBe(true);
  });
});

describe('reading the image before the question', () => {
  test('a panel with a readable image asks for a prefill at once; closing it cancels the prefill', () => {
    const t = fakeTransport();
    const prefills: { requestId: string; conversationId: string }[] = [];
    const model = new ChatModel({
      transport: { ...t.transport, prefill: (fields) => prefills.push(fields) },
      image,
      newId: () => `id-${++ids}`,
      copy: async () => {},
      openSettings: () => {},
    });
    expect(prefills).toEqual([
      { requestId: expect.any(String), conversationId: expect.any(String), image },
    ]);
    model.askQuick('describe');
    // The question goes to the same conversation, still carrying the image (the prefill may lose).
    expect(t.asked[0]).toMatchObject({ conversationId: prefills[0]?.conversationId, image });
    model.close();
    expect(t.cancelled).toContain(prefills[0]?.requestId);
  });

  test('no image, no prefill; the stats carry the TTFT measured from the click', () => {
    const t = fakeTransport();
    let clock = 1000;
    const prefills: unknown[] = [];
    const withoutImage = new ChatModel({
      transport: { ...t.transport, prefill: (fields) => prefills.push(fields) },
      image: null,
      newId: () => `id-${++ids}`,
      copy: async () => {},
      openSettings: () => {},
    });
    expect(prefills).toEqual([]);
    withoutImage.close();

    const model = new ChatModel({
      transport: t.transport,
      image,
      newId: () => `id-${++ids}`,
      copy: async () => {},
      openSettings: () => {},
      now: () => clock,
    });
    model.askQuick('describe');
    clock += 250;
    t.emit(0, { type: 'token', text: 'A' });
    clock += 500;
    t.emit(0, { type: 'done', stats });
    expect(model.turns.value[0]?.stats.value).toEqual({ ...stats, clickTtftMs: 250 });
  });
});
