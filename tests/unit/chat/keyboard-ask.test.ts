import { describe, expect, test } from 'vitest';
import { ASK_COMMAND, setupKeyboardAsk } from '@/src/chat/keyboard-ask';
import type { InspectedImage, PickedImage, RequestOf, RequestType } from '@/src/messaging/protocol';

const inspected: InspectedImage = {
  image: { kind: 'url', url: 'https://cdn.example/cat.png' },
  rect: { x: 1, y: 2, width: 300, height: 200 },
  alt: '',
};

/** The command's browser and the image menu it opens panels through, recorded. */
function setup(
  picks: Record<number, PickedImage>,
  focused = { frameId: 4, url: 'https://ads.example/f' },
) {
  const sent: { frameId: number; type: string }[] = [];
  const opened: unknown[] = [];
  const commandListeners: ((command: string, tab?: { id?: number }) => void)[] = [];
  const keyboard = setupKeyboardAsk(
    {
      commands: { onCommand: { addListener: (cb) => commandListeners.push(cb) } },
      currentTab: async () => 9,
      focusedFrame: async () => focused,
    },
    {
      send: (async (_tabId: number, frameId: number, request: RequestOf<RequestType>) => {
        sent.push({ frameId, type: request.type });
        if (request.type === 'image/pick') return picks[frameId] ?? { found: false };
        return { shown: true };
      }) as never,
      openPanel: async (...args) => {
        opened.push(args);
      },
    },
  );
  const press = async (command: string, tab?: { id?: number }) => {
    for (const listener of commandListeners) listener(command, tab);
    await new Promise((r) => setTimeout(r, 0));
  };
  return { keyboard, sent, opened, press };
}

describe('asking from the keyboard, in the background', () => {
  test('the command opens the panel for the image the top frame picked', async () => {
    const f = setup({ 0: { found: true, srcUrl: 'https://cdn.example/cat.png', inspected } });
    await f.press(ASK_COMMAND, { id: 3 });
    expect(f.sent).toEqual([{ frameId: 0, type: 'image/pick' }]);
    expect(f.opened).toEqual([[3, 'https://cdn.example/cat.png', inspected, { frameId: 0 }]]);
  });

  test('focus in a cross-origin frame: that frame picks, and the panel is placed by its URL', async () => {
    const f = setup({
      0: { found: false, focusInFrame: true },
      4: { found: true, srcUrl: 'https://cdn.example/cat.png', inspected },
    });
    await f.press(ASK_COMMAND, { id: 3 });
    expect(f.sent.map((s) => s.frameId)).toEqual([0, 4]);
    expect(f.opened).toEqual([
      [3, 'https://cdn.example/cat.png', inspected, { frameId: 4, url: 'https://ads.example/f' }],
    ]);
  });

  test('no image: the page shows the notice; other commands are not ours', async () => {
    const f = setup({ 0: { found: false } });
    await f.press('something-else', { id: 3 });
    expect(f.sent).toEqual([]);
    await f.press(ASK_COMMAND, { id: 3 });
    expect(f.sent).toEqual([
      { frameId: 0, type: 'image/pick' },
      { frameId: 0, type: 'notice/show' },
    ]);
    expect(f.opened).toEqual([]);
  });

  test('the popup asks about the current tab and says "no image" itself', async () => {
    const f = setup({ 0: { found: false } });
    expect(await f.keyboard.handlers['page/ask-image']({ type: 'page/ask-image' }, {})).toEqual({
      outcome: 'no-image',
    });
    expect(f.sent).toEqual([{ frameId: 0, type: 'image/pick' }]);
  });
});
