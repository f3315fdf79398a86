import { JSDOM } from 'jsdom';
import { describe, expect, test } from 'vitest';
import { backgroundFrameHost } from '@/src/vlm/hosts/background-frame-host';

describe("Firefox's engine host: a frame in the event page", () => {
  test('creates one hidden frame of the engine page on demand and removes it on close', async () => {
    const { document } = new JSDOM('<!doctype html><body></body>').window;
    const host = backgroundFrameHost('moz-extension://abc/offscreen.html', document);
    expect(await host.hasDocument()).toBe(false);
    await host.createDocument();
    expect(await host.hasDocument()).toBe(true);
    const frames = document.querySelectorAll('iframe');
    expect(frames.length).toBe(1);
    expect(frames[0]?.src).toBe('moz-extension://abc/offscreen.html');
    expect(frames[0]?.getAttribute('aria-hidden')).toBe('true');
    await host.closeDocument();
    expect(await host.hasDocument()).toBe(false);
    expect(document.querySelectorAll('iframe').length).toBe(0);
  });

  test('a frame removed from outside counts as gone, so the next question makes a new one', async () => {
    const { document } = new JSDOM('<!doctype html><body></body>').window;
    const host = backgroundFrameHost('moz-extension://abc/offscreen.html', document);
    await host.createDocument();
    document.querySelector('iframe')?.remove();
    expect(await host.hasDocument()).toBe(false);
  });
});
