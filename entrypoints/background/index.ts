import { browserMenuDeps } from '@/src/chat/browser-menu-deps';
import { setupImageMenu } from '@/src/chat/setup-background';
import { serveRequests } from '@/src/messaging/runtime-rpc';
import { setupVotes } from '@/src/verdicts/setup-background';
import { setupEngine } from '@/src/vlm/setup-background';

export default defineBackground(() => {
  const imageMenu = setupImageMenu(browserMenuDeps());
  browser.tabs.onRemoved.addListener((tabId) => imageMenu.forgetTab(tabId));
  serveRequests({
    ...imageMenu.handlers,
    ...setupVotes(),
    ...setupEngine(),
    'options/open': async () => {
      await browser.runtime.openOptionsPage();
      return { opened: true };
    },
  });
  // A native context menu cannot be clicked headless: e2e tests call the same handler here.
  Object.assign(globalThis, { glimpse: { onMenuClicked: imageMenu.onClicked } });
});
