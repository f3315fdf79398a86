import { describe, expect, test } from 'vitest';
import { createPortTransport } from '@/src/chat/ask-transport';
import type { EngineCommand, ImageRead, PageImageInfo } from '@/src/messaging/protocol';
import { type DescribeDeps, DescribeModel } from '@/src/page-images/describe-model';
import { flush } from '../../support/fake-ports';
import { routerWithScriptedEngine } from '../../support/scripted-router';

const stats = {
  backend: 'wasm' as const,
  modelId: 'm/x',
  promptTokens: 1,
  imageTokens: 64,
  newTokens: 3,
  ttftMs: 1,
  tokensPerSecond: 1,
  totalMs: 1,
  reusedCache: false,
  loadMs: 0,
};

const images = (n: number): PageImageInfo[] =>
  Array.from({ length: n }, (_, index) => ({
    index,
    srcUrl: '',
    alt: '',
    width: 200,
    height: 150,
    inFrame: false,
  }));

/** A describer in tab 1 on a real transport and router; the engine is scripted by the test. */
function setup(count: number, extra: Partial<DescribeDeps> = {}) {
  const t = routerWithScriptedEngine();
  const tab1 = t.requester('tab-1');
  let id = 0;
  const annotated: [number, string][] = [];
  const model = new DescribeModel({
    transport: createPortTransport(() => tab1.client),
    images: images(count),
    read: async (index): Promise<ImageRead> => ({
      image: { kind: 'url', url: `https://cdn.example/${index}.png` },
    }),
    reveal: async () => {},
    annotate: async (index, text) => {
      annotated.push([index, text]);
    },
    unannotate: async () => {},
    copy: async () => {},
    exposeSetting: { get: async () => false, set: async () => {} },
    thumbnail: async () => '',
    newId: () => `id-${++id}`,
    prompt: 'Describe it.',
    maxNewTokens: 96,
    text: {
      progress: (p, n) => `${p}/${n}`,
      finished: (d, n) => `done ${d}/${n}`,
      stopped: (d, n) => `stopped ${d}/${n}`,
      copyFailed: 'copy failed',
      readFailed: 'read failed',
    },
    ...extra,
  });
  const running = () =>
    t.commands.filter((c): c is Extract<EngineCommand, { type: 'ask' }> => c.type === 'ask').at(-1);
  /** The engine answers the request it is running. */
  const answer = async (text = 'A picture.') => {
    const job = running();
    if (!job) throw new Error('nothing running');
    t.engine({ type: 'token', requestId: job.requestId, text });
    t.engine({ type: 'done', requestId: job.requestId, stats });
    await flush(10);
  };
  return { t, model, running, answer, annotated };
}

describe('describing a page’s images', () => {
  test('one request per image, in page order, each its own conversation, freed when done', async () => {
    const { t, model, answer } = setup(3);
    model.start();
    await flush(10);
    for (let i = 0; i < 3; i++) await answer(`Image ${i}.`);
    const asks = t.commands.filter((c) => c.type === 'ask');
    expect(asks.map((c) => (c.type === 'ask' ? c.image : null))).toEqual([
      { kind: 'url', url: 'https://cdn.example/0.png' },
      { kind: 'url', url: 'https://cdn.example/1.png' },
      { kind: 'url', url: 'https://cdn.example/2.png' },
    ]);
    expect(new Set(asks.map((c) => (c.type === 'ask' ? c.conversationId : ''))).size).toBe(3);
    expect(asks.every((c) => c.type === 'ask' && c.maxNewTokens === 96)).toBe(true);
    expect(t.commands.filter((c) => c.type === 'end-conversation')).toHaveLength(3);
    expect(model.items.value.map((i) => [i.state.value, i.text.value, i.finished.value])).toEqual([
      ['done', 'Image 0.', 1],
      ['done', 'Image 1.', 2],
      ['done', 'Image 2.', 3],
    ]);
    expect(model.announcement.value).toBe('done 3/3');
  });

  test('a page of 50 images holds another tab’s question for one description at most', async () => {
    const { t, model, running, answer } = setup(50);
    const tab2 = t.requester('tab-2');
    const tab2Asks = (n: string) =>
      tab2.port.post({
        type: 'ask',
        requestId: `q${n}`,
        conversationId: `c${n}`,
        question: 'What is it?',
        image: { kind: 'url', url: 'https://other.example/x.png' },
      });
    // Tab 2 has been served often already: a batch of 50 from a tab served less would go first.
    for (let i = 0; i < 20; i++) {
      tab2Asks(`early${i}`);
      await flush(10);
      await answer('Tab 2 answer.');
    }
    model.start();
    await flush(10);
    for (let described = 0; described < 50; ) {
      if ([3, 17, 40].includes(described)) {
        tab2Asks(String(described));
        await flush(10);
        await answer(); // the description running when tab 2 asked
        described++;
        // Next in the engine: tab 2's question, not the describer's next image.
        expect(running()?.conversationId).toBe(`tab-2/c${described - 1}`);
        await answer('Tab 2 answer.');
        continue;
      }
      await answer();
      described++;
    }
    expect(model.doneCount.value).toBe(50);
    expect(tab2.events.filter((e) => e.type === 'done')).toHaveLength(23);
  });

  test('Stop cancels the running description and sends no more; Describe the rest carries on', async () => {
    const { t, model, answer } = setup(4);
    model.start();
    await flush(10);
    await answer('First.');
    model.stop();
    await flush(10);
    expect(t.commands.filter((c) => c.type === 'cancel')).toHaveLength(1);
    const job = t.commands.filter((c) => c.type === 'ask').at(-1);
    if (job?.type === 'ask') t.engine({ type: 'cancelled', requestId: job.requestId });
    await flush(10);
    expect(model.items.value.map((i) => i.state.value)).toEqual([
      'done',
      'stopped',
      'waiting',
      'waiting',
    ]);
    expect(model.running.value).toBe(false);
    expect(model.announcement.value).toBe('stopped 1/4');
    expect(t.commands.filter((c) => c.type === 'ask')).toHaveLength(2);

    model.start();
    await flush(10);
    for (let i = 0; i < 3; i++) await answer(`Again ${i}.`);
    expect(model.items.value.map((i) => i.text.value)).toEqual([
      'First.',
      'Again 0.',
      'Again 1.',
      'Again 2.',
    ]);
  });

  test('an image that can no longer be read says so, and the next one is still described', async () => {
    const { model, answer } = setup(2, {
      read: async (index) =>
        index === 0
          ? { problem: 'This image is no longer on the page.' }
          : { image: { kind: 'url', url: 'https://cdn.example/1.png' } },
    });
    model.start();
    await flush(10);
    await answer('Second.');
    expect(model.items.value.map((i) => [i.state.value, i.error.value])).toEqual([
      ['error', 'This image is no longer on the page.'],
      ['done', null],
    ]);
  });

  test('descriptions reach the page only while the setting is on', async () => {
    let stored = false;
    const removed: number[] = [];
    const { model, answer, annotated } = setup(2, {
      exposeSetting: {
        get: async () => stored,
        set: async (on) => {
          stored = on;
        },
      },
      unannotate: async () => {
        removed.push(1);
      },
    });
    model.start();
    await flush(10);
    await answer('One.');
    expect(annotated).toEqual([]);
    await model.setExpose(true);
    expect(annotated).toEqual([[0, 'One.']]);
    await answer('Two.');
    expect(annotated).toEqual([
      [0, 'One.'],
      [1, 'Two.'],
    ]);
    await model.setExpose(false);
    expect(stored).toBe(false);
    expect(removed).toEqual([1]);
  });
});
