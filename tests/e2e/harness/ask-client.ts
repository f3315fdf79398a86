/// <reference types="chrome" />
import type { Page } from 'playwright-core';
import type { ExtensionBrowser } from '../../../scripts/lib/chromium';
import type {
  AskPortEvent,
  EngineStatus,
  GenerationStats,
  ImageInput,
} from '../../../src/messaging/protocol';

export interface AskResult {
  text: string;
  end: AskPortEvent['type'];
  message?: string;
  stats?: GenerationStats;
  events: AskPortEvent[];
  statuses: EngineStatus[];
}

declare global {
  interface Window {
    glimpseTest?: {
      port: chrome.runtime.Port;
      events: AskPortEvent[];
    };
  }
}

/**
 * Drives the real `glimpse-ask` port from an extension page, as the in-page panel does:
 * the same typed messages, through the real background, queue and offscreen engine.
 */
export class AskClient {
  private constructor(readonly page: Page) {}

  static async open(browser: ExtensionBrowser): Promise<AskClient> {
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    const client = new AskClient(page);
    await client.connect();
    return client;
  }

  async connect(): Promise<void> {
    await this.page.evaluate(() => {
      const port = chrome.runtime.connect({ name: 'glimpse-ask' });
      const state = { port, events: [] as AskPortEvent[] };
      port.onMessage.addListener((event: AskPortEvent) => state.events.push(event));
      window.glimpseTest = state;
    });
  }

  post(message: unknown): Promise<void> {
    return this.page.evaluate((m) => window.glimpseTest?.port.postMessage(m), message);
  }

  events(): Promise<AskPortEvent[]> {
    return this.page.evaluate(() => window.glimpseTest?.events ?? []);
  }

  async send(fields: {
    requestId: string;
    conversationId?: string;
    question: string;
    image?: ImageInput;
    maxNewTokens?: number;
  }): Promise<void> {
    await this.post({ type: 'ask', conversationId: fields.requestId, ...fields });
  }

  /** Waits for the request's end (done, error or cancelled) and gathers what came before. */
  async result(requestId: string, timeoutMs = 60_000): Promise<AskResult> {
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
            .filter((e) => e.type === 'token')
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
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async ask(fields: Parameters<AskClient['send']>[0], timeoutMs?: number): Promise<AskResult> {
    await this.send(fields);
    return this.result(fields.requestId, timeoutMs);
  }

  async waitForToken(requestId: string): Promise<void> {
    for (let i = 0; i < 2400; i++) {
      const events = await this.events();
      if (events.some((e) => e.type === 'token' && e.requestId === requestId)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no token for ${requestId}`);
  }
}
