import { afterAll, afterEach, beforeAll } from 'vitest';
import {
  type ExtensionBrowser,
  type LaunchOptions,
  launchWithExtension,
} from '../../../scripts/lib/chromium';
import type { MirrorServer } from '../../support/mirror-server';
import { startMirror } from './engine-env';

/**
 * The lifecycle e2e suites share: browsers per test (closed, their profiles removed after
 * each), and optionally the model mirror for the whole file (reset between tests).
 */
export function useExtensionBrowser({ mirror: withMirror = false } = {}) {
  let mirror: MirrorServer | null = null;
  // Every browser a test launched: a restart reuses the first one's profile, which it owns.
  let browsers: ExtensionBrowser[] = [];
  if (withMirror) {
    beforeAll(async () => {
      mirror = await startMirror();
    });
    afterAll(() => mirror?.stop());
  }
  afterEach(async () => {
    mirror?.clearCuts();
    mirror?.throttle(0);
    for (const browser of browsers.reverse()) await browser.dispose();
    browsers = [];
  });
  return {
    get mirror(): MirrorServer {
      if (!mirror) throw new Error('this suite has no mirror');
      return mirror;
    },
    /** Replaces the mirror, e.g. after a test stopped it. */
    async restartMirror(): Promise<MirrorServer> {
      mirror = await startMirror();
      return mirror;
    },
    async launch(options: LaunchOptions = {}): Promise<ExtensionBrowser> {
      const browser = await launchWithExtension(options);
      browsers.push(browser);
      return browser;
    },
  };
}
