import { browserKeyboardDeps, browserMenuDeps } from '@/src/chat/browser-menu-deps';
import { setupKeyboardAsk } from '@/src/chat/keyboard-ask';
import { setupImageMenu } from '@/src/chat/setup-background';
import { serveRequests } from '@/src/messaging/runtime-rpc';
import { defineExposeDescriptionsItem } from '@/src/page-images/settings';
import { setupPageImages } from '@/src/page-images/setup-background';
import { setupVotes } from '@/src/verdicts/setup-background';
import { backgroundFrameHost } from '@/src/vlm/hosts/background-frame-host';
import { offscreenHost } from '@/src/vlm/hosts/offscreen-host';
import { setupEngine } from '@/src/vlm/setup-background';

export default defineBackground(() => {
  const imageMenu = setupImageMenu(browserMenuDeps());
  const keyboardDeps = browserKeyboardDeps();
  const keyboardAsk = setupKeyboardAsk(keyboardDeps, imageMenu);
  const exposeDescriptions = defineExposeDescriptionsItem();
  const pageImages = setupPageImages({
    send: imageMenu.send,
    extensionOrigin: browser.runtime.getURL('/').replace(/\/$/, ''),
    currentTab: keyboardDeps.currentTab,
    exposeDescriptions: () => exposeDescriptions.getValue(),
    commands: keyboardDeps.commands,
  });
  imageMenu.addMenuItem(pageImages.menuItem);
  browser.tabs.onRemoved.addListener((tabId) => {
    imageMenu.forgetTab(tabId);
    pageImages.forgetTab(tabId);
  });
  serveRequests({
    ...imageMenu.handlers,
    ...keyboardAsk.handlers,
    ...pageImages.handlers,
    ...setupVotes(),
    // Chrome runs the engine in an offscreen document; Firefox (no offscreen API) in a frame
    // of its event page.
    ...setupEngine(import.meta.env.FIREFOX ? backgroundFrameHost : offscreenHost),
    'options/open': async () => {
      await browser.runtime.openOptionsPage();
      return { opened: true };
    },
  });
  // A native context menu cannot be clicked headless: e2e tests call the same handler here.
  Object.assign(globalThis, { glimpse: { onMenuClicked: imageMenu.onClicked } });
});
