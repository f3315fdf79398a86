import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Worker } from 'playwright-core';

export const EXTENSION_DIR = resolve(import.meta.dirname, '../../.output/chrome-mv3');

const CANDIDATES = [
  // Debian's real binary: the /usr/bin/chromium wrapper adds flags of its own.
  '/usr/lib/chromium/chromium',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** The Chrome or Chromium on this machine; CHROMIUM_PATH or CHROME_PATH wins. Never downloads one. */
export function findChromium(): string {
  const named = process.env.CHROMIUM_PATH ?? process.env.CHROME_PATH;
  if (named) {
    if (!existsSync(named))
      throw new Error(`CHROMIUM_PATH points at ${named}, which does not exist.`);
    return named;
  }
  const found = CANDIDATES.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      "No Chrome or Chromium found. Install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH.",
    );
  }
  return found;
}

export interface LaunchOptions {
  profileDir?: string;
  headless?: boolean;
  extensionDir?: string;
  extraArgs?: string[];
}

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  serviceWorker: Worker;
  profileDir: string;
  /** Closes the browser; the profile stays for a restart. */
  close(): Promise<void>;
  /** Closes the browser and deletes a profile this launch created. */
  dispose(): Promise<void>;
}

export async function launchWithExtension(options: LaunchOptions = {}): Promise<ExtensionBrowser> {
  const extensionDir = options.extensionDir ?? EXTENSION_DIR;
  if (!existsSync(join(extensionDir, 'manifest.json'))) {
    throw new Error(`No built extension at ${extensionDir}. Run "npm run build" first.`);
  }
  const ownsProfile = options.profileDir === undefined;
  const profileDir = options.profileDir ?? mkdtempSync(join(tmpdir(), 'glimpse-profile-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: findChromium(),
    headless: options.headless ?? true,
    ignoreDefaultArgs: ['--disable-extensions'],
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      // This network is closed: without these Chromium floods it with refused connections.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
      '--no-default-browser-check',
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      // A real WebGPU adapter (SwiftShader) on machines without a GPU.
      '--enable-unsafe-webgpu',
      ...(options.extraArgs ?? []),
    ],
  });
  const serviceWorker =
    context.serviceWorkers()[0] ??
    (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  const extensionId = new URL(serviceWorker.url()).host;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await context.close();
  };
  return {
    context,
    extensionId,
    serviceWorker,
    profileDir,
    close,
    dispose: async () => {
      await close();
      if (ownsProfile) rmSync(profileDir, { recursive: true, force: true });
    },
  };
}
