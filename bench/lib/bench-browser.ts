/// <reference types="chrome" />
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { findChromium, launchWithExtension } from '../../scripts/lib/chromium';
import { findFirefox, launchFirefoxWithExtension } from '../../scripts/lib/firefox';
import type { GlimpseSettings } from '../../src/vlm/settings';
import { offscreenDocuments, setSettings } from '../../tests/e2e/harness/engine-env';
import type { GlimpseBenchPage } from '../reference-page/main';

declare global {
  var glimpseBench: GlimpseBenchPage;
}

export type BenchBrowserName = 'chromium' | 'firefox';

/** The bench page, in either browser: one call into `globalThis.glimpseBench` at a time. */
export interface BenchPage {
  call<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  close(): Promise<void>;
}

/** What the bench needs from a browser with the bench build installed. */
export interface BenchBrowser {
  setSettings(settings: Partial<GlimpseSettings>): Promise<void>;
  openBenchPage(): Promise<BenchPage>;
  /** Closes the engine's page (offscreen document / event-page frame): the next load is warm. */
  closeEngineHost(): Promise<void>;
  engineHostOpen(): Promise<boolean>;
  dispose(): Promise<void>;
}

export function benchBuildDir(root: string, browser: BenchBrowserName): string {
  return join(root, '.output/bench', browser === 'firefox' ? 'firefox-mv3' : 'chrome-mv3');
}

export function browserVersion(browser: BenchBrowserName): string {
  const binary = browser === 'firefox' ? findFirefox() : findChromium();
  return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
}

export async function launchBenchBrowser(
  browser: BenchBrowserName,
  extensionDir: string,
): Promise<BenchBrowser> {
  return browser === 'firefox' ? launchFirefox(extensionDir) : launchChromium(extensionDir);
}

async function launchChromium(extensionDir: string): Promise<BenchBrowser> {
  const browser = await launchWithExtension({ extensionDir });
  const sw = browser.serviceWorker;
  return {
    setSettings: (settings) => setSettings(sw, settings),
    async openBenchPage() {
      const page = await browser.context.newPage();
      await page.goto(`chrome-extension://${browser.extensionId}/bench.html`);
      await page.waitForFunction(() => typeof globalThis.glimpseBench === 'object');
      return {
        call: <R, A>(fn: (arg: A) => R | Promise<R>, arg: A) =>
          page.evaluate<R, A>(fn as (arg: unknown) => R | Promise<R>, arg),
        close: () => page.close(),
      };
    },
    closeEngineHost: () =>
      sw.evaluate(() => chrome.offscreen.closeDocument().catch(() => undefined)),
    engineHostOpen: async () => (await offscreenDocuments(sw)) > 0,
    dispose: () => browser.dispose(),
  };
}

/**
 * The event page's engine frame, reached through runtime.getBackgroundPage from an add-on page;
 * removed when asked. Runs in the page: it can't close over anything.
 */
async function engineFrame(remove: boolean): Promise<boolean> {
  const background = await (
    chrome.runtime as unknown as { getBackgroundPage(): Promise<Window> }
  ).getBackgroundPage();
  const frame = background.document.querySelector('iframe[src$="/offscreen.html"]');
  if (remove) frame?.remove();
  return frame !== null;
}

async function launchFirefox(extensionDir: string): Promise<BenchBrowser> {
  const firefox = await launchFirefoxWithExtension({
    extensionDir,
    // One call may run a whole load and answer: no per-call limit, the bench has its budget.
    protocolTimeoutMs: 3 * 60 * 60_000,
  });
  const control = await firefox.openPage('bench.html');
  return {
    setSettings: async (settings) => {
      await control.evaluate(async (patch: Partial<GlimpseSettings>) => {
        const stored = await chrome.storage.local.get('settings');
        const current = (stored.settings ?? {}) as Record<string, unknown>;
        await chrome.storage.local.set({ settings: { ...current, ...patch }, settings$: { v: 1 } });
      }, settings);
    },
    async openBenchPage() {
      const page = await firefox.openPage('bench.html');
      await page.waitForFunction(() => typeof globalThis.glimpseBench === 'object');
      return {
        call: <R, A>(fn: (arg: A) => R | Promise<R>, arg: A) =>
          page.evaluate(fn as (arg: unknown) => Promise<R>, arg) as Promise<R>,
        close: () => page.close(),
      };
    },
    closeEngineHost: async () => {
      await control.evaluate(engineFrame, true);
    },
    engineHostOpen: () => control.evaluate(engineFrame, false),
    dispose: () => firefox.dispose(),
  };
}
