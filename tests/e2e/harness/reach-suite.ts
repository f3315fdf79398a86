import { afterAll, afterEach, beforeAll } from 'vitest';
import {
  type ExtensionBrowser,
  type LaunchOptions,
  launchWithExtension,
} from '../../../scripts/lib/chromium';
import type { MirrorServer } from '../../support/mirror-server';
import { setSettings, startMirror, tinyModelSettings } from './engine-env';
import { type ReachSite, startReachSite } from './reach-site';

/**
 * One browser for a whole file, on the tiny model (WASM) from the local mirror, with the
 * keyboard/page-images test site; the tabs a test opened are closed after it.
 */
export function useReachBrowser(options: LaunchOptions & { clipboard?: boolean } = {}) {
  let mirror: MirrorServer | null = null;
  let site: ReachSite | null = null;
  let browser: ExtensionBrowser | null = null;
  const { clipboard, ...launch } = options;
  beforeAll(async () => {
    mirror = await startMirror();
    site = await startReachSite();
    browser = await launchWithExtension(launch);
    await setSettings(browser.serviceWorker, tinyModelSettings(mirror, { backend: 'wasm' }));
    if (clipboard)
      await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
        origin: site.pages.origin,
      });
  });
  afterAll(async () => {
    await browser?.dispose();
    await site?.close();
    await mirror?.stop();
  });
  afterEach(async () => {
    for (const page of browser?.context.pages().slice(1) ?? []) await page.close();
  });
  const need = <T>(value: T | null): T => {
    if (value === null) throw new Error('the suite has not started');
    return value;
  };
  return {
    get browser() {
      return need(browser);
    },
    get site() {
      return need(site);
    },
    get mirror() {
      return need(mirror);
    },
  };
}
