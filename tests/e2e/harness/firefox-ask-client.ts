/// <reference types="chrome" />
import type { Page } from 'puppeteer-core';
import type { FirefoxExtensionBrowser } from '../../../scripts/lib/firefox';
import type { AskPortEvent, GenerationStats, ImageInput } from '../../../src/messaging/protocol';
import type { GlimpseSettings } from '../../../src/vlm/settings';
import { type AskResult, waitForAskResult, waitForFirstToken } from './ask-client';

declare global {
  interface Window {
    glimpseFirefoxTest?: { port: chrome.runtime.Port; events: AskPortEvent[]; connected: boolean };
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

  /** Connects the port; like the panel, it connects again after Firefox unloaded the event page. */
  async connect(): Promise<void> {
    await this.page.evaluate(() => {
      const events = window.glimpseFirefoxTest?.events ?? [];
      const port = chrome.runtime.connect({ name: 'glimpse-ask' });
      const state = { port, events, connected: true };
      port.onMessage.addListener((event: AskPortEvent) => state.events.push(event));
      port.onDisconnect.addListener(() => {
        state.connected = false;
      });
      window.glimpseFirefoxTest = state;
    });
  }

  /** Drops the port, as a closed panel or tab does; the next post connects again. */
  disconnect(): Promise<void> {
    return this.page.evaluate(() => {
      const state = window.glimpseFirefoxTest;
      state?.port.disconnect();
      if (state) state.connected = false;
    });
  }

  async post(message: unknown): Promise<void> {
    if (!(await this.page.evaluate(() => window.glimpseFirefoxTest?.connected)))
      await this.connect();
    await this.page.evaluate(
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

  result(requestId: string, timeoutMs = 90_000): Promise<AskResult> {
    return waitForAskResult(() => this.events(), requestId, timeoutMs, 50);
  }

  async ask(fields: Parameters<FirefoxAskClient['send']>[0]): Promise<AskResult> {
    await this.send(fields);
    return this.result(fields.requestId);
  }

  waitForToken(requestId: string): Promise<void> {
    return waitForFirstToken(() => this.events(), requestId, 90_000, 50);
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

  /** The last answer's stats, as the background stored them. */
  lastRun(): Promise<{ stats: GenerationStats; at: number } | null> {
    return this.page.evaluate(async () => {
      const stored = await chrome.storage.local.get('last-run');
      return (stored['last-run'] ?? null) as { stats: GenerationStats; at: number } | null;
    });
  }

  /** The toolbar badge as Firefox shows it. */
  badge(): Promise<string> {
    return this.page.evaluate(() => chrome.action.getBadgeText({}));
  }

  /**
   * What Firefox does when the user picks "Ask Glimpse about this image": a context menu can't
   * be clicked headless, so this calls the event page's own menu handler (reached through
   * runtime.getBackgroundPage) with the info Firefox passes: the image's source and its frame.
   */
  async chooseMenuItem(image: {
    pageUrl: string;
    frameUrl: string;
    srcUrl: string;
  }): Promise<void> {
    await this.page.evaluate(async ({ pageUrl, frameUrl, srcUrl }) => {
      const tabs = await chrome.tabs.query({});
      const tab = tabs.find((t) => t.url === pageUrl);
      if (tab?.id === undefined) throw new Error(`no tab for ${pageUrl}`);
      const frames = await chrome.scripting.executeScript({
        target: { tabId: tab.id, allFrames: true },
        func: () => location.href,
      });
      const frameId = frames.find((f) => f.result === frameUrl)?.frameId ?? 0;
      const background = (await (
        chrome.runtime as unknown as { getBackgroundPage(): Promise<Window> }
      ).getBackgroundPage()) as unknown as {
        glimpse: { onMenuClicked(info: unknown, tab: unknown): Promise<void> };
      };
      await background.glimpse.onMenuClicked(
        { menuItemId: 'glimpse-ask-image', srcUrl, frameId, frameUrl, pageUrl },
        { id: tab.id },
      );
    }, image);
  }
}
