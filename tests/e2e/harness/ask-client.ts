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
  result(requestId: string, timeoutMs = 60_000): Promise<AskResult> {
    return waitForAskResult(() => this.events(), requestId, timeoutMs, 25);
  }

  async ask(fields: Parameters<AskClient['send']>[0], timeoutMs?: number): Promise<AskResult> {
    await this.send(fields);
    return this.result(fields.requestId, timeoutMs);
  }

  waitForToken(requestId: string): Promise<void> {
    return waitForFirstToken(() => this.events(), requestId, 60_000, 25);
  }
}

type ReadEvents = () => Promise<AskPortEvent[]>;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls a client's event list until the request ends, then gathers what came before. */
export async function waitForAskResult(
  readEvents: ReadEvents,
  requestId: string,
  timeoutMs: number,
  pollMs: number,
): Promise<AskResult> {
  const started = Date.now();
  for (;;) {
    const events = await readEvents();
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
    if (Date.now() - started > timeoutMs)
      throw new Error(`no end for ${requestId}; events: ${JSON.stringify(events).slice(-2000)}`);
    await pause(pollMs);
  }
}

/** Polls a client's event list until the request's first token arrives. */
export async function waitForFirstToken(
  readEvents: ReadEvents,
  requestId: string,
  timeoutMs: number,
  pollMs: number,
): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const events = await readEvents();
    if (events.some((e) => e.type === 'token' && e.requestId === requestId)) return;
    await pause(pollMs);
  }
  throw new Error(`no token for ${requestId}`);
}

/**
 * Starts an answer that would go on for thousands of tokens (the test model's "forever" mode)
 * and returns once its first token arrived: the answer is then surely running.
 */
export async function startEndlessAnswer(
  client: Pick<AskClient, 'send' | 'waitForToken'>,
  requestId: string,
  image: ImageInput,
): Promise<void> {
  await client.send({ requestId, question: 'Go on forever', image, maxNewTokens: 4096 });
  await client.waitForToken(requestId);
}
