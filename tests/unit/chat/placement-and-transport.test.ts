import { describe, expect, test } from 'vitest';
import { CONNECTION_LOST, createPortTransport } from '@/src/chat/ask-transport';
import { DOCK_BELOW_WIDTH, offsetBy, PANEL_WIDTH, placePanel } from '@/src/chat/placement';
import type { AskPortEvent, AskPortMessage } from '@/src/messaging/protocol';
import { typedPort } from '@/src/messaging/typed-port';
import { flush, portPair } from '../../support/fake-ports';

const viewport = { width: 1280, height: 800, scrollX: 0, scrollY: 500 };

describe('panel placement', () => {
  test('beside the image on the right, in page coordinates', () => {
    const p = placePanel({ x: 100, y: 200, width: 300, height: 200 }, viewport);
    expect(p).toEqual({ mode: 'anchored', left: 412, top: 700, maxHeight: 560 });
  });

  test('on the left when the right has no room; docked when narrow or unknown', () => {
    const p = placePanel({ x: 800, y: 100, width: 460, height: 200 }, viewport);
    expect(p.mode === 'anchored' && p.left).toBe(800 - 12 - PANEL_WIDTH);
    expect(
      placePanel(
        { x: 10, y: 10, width: 50, height: 50 },
        { ...viewport, width: DOCK_BELOW_WIDTH - 1 },
      ),
    ).toEqual({
      mode: 'docked',
    });
    expect(placePanel(null, viewport)).toEqual({ mode: 'docked' });
  });

  test('an image in an iframe is placed by the iframe’s position', () => {
    expect(
      offsetBy({ x: 5, y: 6, width: 10, height: 10 }, { x: 100, y: 200, width: 500, height: 300 }),
    ).toEqual({
      x: 105,
      y: 206,
      width: 10,
      height: 10,
    });
  });
});

describe('ask transport', () => {
  function background() {
    const ports: ReturnType<typeof typedPort<AskPortEvent, AskPortMessage>>[] = [];
    const received: AskPortMessage[] = [];
    const connect = () => {
      const [client, bg] = portPair('glimpse-ask');
      const port = typedPort<AskPortEvent, AskPortMessage>(bg);
      port.onMessage((m) => received.push(m));
      ports.push(port);
      return client;
    };
    return { ports, received, connect };
  }

  test('routes events to their request and ends a request whose port dropped with a sentence', async () => {
    const bg = background();
    const transport = createPortTransport(bg.connect);
    const events: AskPortEvent[] = [];
    transport.ask({ requestId: 'r1', conversationId: 'c', question: 'q' }, (e) => events.push(e));
    await flush();
    bg.ports[0]?.post({ type: 'token', requestId: 'r1', text: 'A' });
    bg.ports[0]?.post({ type: 'token', requestId: 'other', text: 'B' });
    await flush();
    expect(events).toEqual([{ type: 'token', requestId: 'r1', text: 'A' }]);
    bg.ports[0]?.disconnect();
    await flush();
    expect(events.at(-1)).toEqual({ type: 'error', requestId: 'r1', message: CONNECTION_LOST });
  });

  test('reconnects on the next question after the service worker went away', async () => {
    const bg = background();
    const transport = createPortTransport(bg.connect);
    transport.ask({ requestId: 'r1', conversationId: 'c', question: 'q' }, () => {});
    await flush();
    bg.ports[0]?.disconnect();
    await flush();
    transport.ask({ requestId: 'r2', conversationId: 'c', question: 'q2' }, () => {});
    await flush();
    expect(bg.ports).toHaveLength(2);
    expect(bg.received.map((m) => (m.type === 'ask' ? m.requestId : m.type))).toEqual(['r1', 'r2']);
  });
});
