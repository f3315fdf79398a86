import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const FIREFOX_EXTENSION_DIR = resolve(import.meta.dirname, '../../.output/firefox-mv3');
/** The add-on's id (wxt.config.ts) and the moz-extension:// host the tests pin it to. */
export const FIREFOX_ADDON_ID = 'glimpse@glimpse.example';
export const FIREFOX_EXTENSION_UUID = '6c1c3f7e-7a3b-4f1e-9c1d-91a5e0b0c0de';

const CANDIDATES = ['/usr/bin/firefox-esr', '/usr/lib/firefox-esr/firefox-esr', '/usr/bin/firefox'];

/** The Firefox on this machine; FIREFOX_PATH wins. Never downloads one. */
export function findFirefox(): string {
  const named = process.env.FIREFOX_PATH;
  if (named) {
    if (!existsSync(named))
      throw new Error(`FIREFOX_PATH points at ${named}, which does not exist.`);
    return named;
  }
  const found = CANDIDATES.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      "No Firefox found. Install Debian's firefox-esr (apt-get install firefox-esr) or set FIREFOX_PATH.",
    );
  }
  return found;
}

export interface FirefoxLaunchOptions {
  extensionDir?: string;
  /** Firefox prefs, e.g. a short `extensions.background.idle.timeout` to test unloading. */
  prefs?: Record<string, unknown>;
  /** How long one WebDriver call may take (0: no limit, for the bench's long evaluations). */
  protocolTimeoutMs?: number;
}

export interface FirefoxExtensionBrowser {
  browser: Browser;
  /** moz-extension://<uuid> */
  origin: string;
  /** Opens one of the add-on's pages (e.g. "popup.html") in a new tab. */
  openPage(path: string): Promise<Page>;
  dispose(): Promise<void>;
}

/** Debian's firefox-esr, headless, over WebDriver BiDi, with the built add-on installed temporarily. */
export async function launchFirefoxWithExtension(
  options: FirefoxLaunchOptions = {},
): Promise<FirefoxExtensionBrowser> {
  const extensionDir = options.extensionDir ?? FIREFOX_EXTENSION_DIR;
  if (!existsSync(join(extensionDir, 'manifest.json'))) {
    throw new Error(`No built add-on at ${extensionDir}. Run "npm run build:firefox" first.`);
  }
  const profileDir = mkdtempSync(join(tmpdir(), 'glimpse-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: findFirefox(),
    headless: true,
    userDataDir: profileDir,
    ...(options.protocolTimeoutMs !== undefined
      ? { protocolTimeout: options.protocolTimeoutMs }
      : {}),
    // WebDriver BiDi may only open moz-extension:// pages with system access allowed.
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      // A fixed moz-extension:// host, so tests can open the add-on's pages.
      'extensions.webextensions.uuids': JSON.stringify({
        [FIREFOX_ADDON_ID]: FIREFOX_EXTENSION_UUID,
      }),
      // This network is closed: no update checks, telemetry or remote settings.
      'app.update.enabled': false,
      'extensions.update.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false,
      ...options.prefs,
    },
  });
  try {
    await browser.installExtension(extensionDir);
  } catch (error) {
    await browser.close();
    rmSync(profileDir, { recursive: true, force: true });
    throw error;
  }
  const origin = `moz-extension://${FIREFOX_EXTENSION_UUID}`;
  return {
    browser,
    origin,
    openPage: async (path) => {
      const page = await browser.newPage();
      const url = `${origin}/${path}`;
      // The page moves to the extension process and BiDi never reports its load: navigate
      // without waiting, then wait for the document itself.
      void page.goto(url, { timeout: 0 }).catch(() => undefined);
      // Poll by hand: while the page switches process its realm goes away, and puppeteer's
      // waitForFunction then fails on the protocol error instead of polling on.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const loaded = await page
          .evaluate((want) => location.href === want && document.readyState === 'complete', url)
          .catch(() => false);
        if (loaded) return page;
        if (Date.now() > deadline) throw new Error(`Firefox did not load ${url} within 30 s.`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    dispose: async () => {
      await browser.close().catch(() => undefined);
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}
