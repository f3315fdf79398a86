/// <reference types="chrome" />
import type { Page } from 'puppeteer-core';
import type { FirefoxExtensionBrowser } from '../../../scripts/lib/firefox';
import type { AskPortEvent, ImageInput } from '../../../src/messaging/protocol';
import type { GlimpseSettings } from '../../../src/vlm/settings';
import type { AskResult } from './ask-client';

declare global {
  interface Window {
    glimpseFirefoxTest?: { port: chrome.runtime.Port; events: AskPortEvent[] };
  }
}

/**
 * Firefox's counterpart of AskClient: the real `glimpse-ask` port from an add-on page, through
 * the real event page, queue and engine frame. Driven over WebDriver BiDi with puppeteer-core.
 */
export class FirefoxAskClient {
  private constructor(readonly page: Page) {}

  static async open(firefox: FirefoxExtensionBrowser): Promise<FirefoxAskClient> {
    const client = new FirefoxAskClient(await firefox.openPage('popup.html'));
    await client.connect();
    return client;
  }

  /** A client on an already open add-on page, not yet connected (e.g. to watch the event page). */
  static attach(page: Page): FirefoxAskClient {
    return new FirefoxAskClient(page);
  }

  async connect(): Promise<void> {
    await this.page.evaluate(() => {
      const port = chrome.runtime.connect({ name: 'glimpse-ask' });
      const state = { port, events: [] as AskPortEvent[] };
      port.onMessage.addListener((event: AskPortEvent) => state.events.push(event));
      window.glimpseFirefoxTest = state;
    });
  }

  disconnect(): Promise<void> {
    return this.page.evaluate(() => window.glimpseFirefoxTest?.port.disconnect());
  }

  post(message: unknown): Promise<void> {
    return this.page.evaluate(
      (m) => window.glimpseFirefoxTest?.port.postMessage(m),
      message as never,
    );
  }

  events(): Promise<AskPortEvent[]> {
    return this.page.evaluate(() => window.glimpseFirefoxTest?.events ?? []);
  }

  send(fields: {
    requestId: string;
    conversationId?: string;
    question: string;
    image?: ImageInput;
    maxNewTokens?: number;
  }): Promise<void> {
    return this.post({ type: 'ask', conversationId: fields.requestId, ...fields });
  }

  async result(requestId: string, timeoutMs = 90_000): Promise<AskResult> {
    const started = Date.now();
    for (;;) {
      const events = await this.events();
      const end = events.find(
        (e) =>
          (e.type === 'done' || e.type === 'error' || e.type === 'cancelled') &&
          e.requestId === requestId,
      );
      if (end) {
        const mine = events.filter((e) => 'requestId' in e && e.requestId === requestId);
        return {
          text: mine
            .map((e) => (e.type === 'token' ? e.text : ''))
            .join('')
            .trim(),
          end: end.type,
          ...(end.type === 'error' ? { message: end.message } : {}),
          ...(end.type === 'done' ? { stats: end.stats } : {}),
          events: mine,
          statuses: events.flatMap((e) => (e.type === 'status' ? [e.status] : [])),
        };
      }
      if (Date.now() - started > timeoutMs) {
        throw new Error(`no end for ${requestId}; events: ${JSON.stringify(events).slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async ask(fields: Parameters<FirefoxAskClient['send']>[0]): Promise<AskResult> {
    await this.send(fields);
    return this.result(fields.requestId);
  }

  async waitForToken(requestId: string): Promise<void> {
    for (let i = 0; i < 1800; i++) {
      const events = await this.events();
      if (events.some((e) => e.type === 'token' && e.requestId === requestId)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no token for ${requestId}`);
  }

  /** Writes Glimpse's settings as the Options page does (same storage key and shape). */
  async setSettings(patch: Partial<GlimpseSettings>): Promise<void> {
    await this.page.evaluate(async (p: Partial<GlimpseSettings>) => {
      const stored = await chrome.storage.local.get('settings');
      const current = (stored.settings ?? {}) as Record<string, unknown>;
      await chrome.storage.local.set({ settings: { ...current, ...p }, settings$: { v: 1 } });
    }, patch);
  }

  /** Whether Firefox's event page (and with it the engine frame) is loaded right now. */
  backgroundLoaded(): Promise<boolean> {
    return this.page.evaluate(async () => {
      const contexts = await chrome.runtime.getContexts({
        contextTypes: ['BACKGROUND' as chrome.runtime.ContextType],
      });
      return contexts.length > 0;
    });
  }
}
