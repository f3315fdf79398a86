import { browserMenuDeps } from '@/src/chat/browser-menu-deps';
import { setupImageMenu } from '@/src/chat/setup-background';
import { serveRequests } from '@/src/messaging/runtime-rpc';
import { setupVotes } from '@/src/verdicts/setup-background';
import { setupEngine } from '@/src/vlm/setup-background';

export default defineBackground(() => {
  serveRequests({
    ...setupVotes(),
    ...setupEngine(),
    'options/open': async () => {
      await browser.runtime.openOptionsPage();
      return { opened: true };
    },
  });
  const onMenuClicked = setupImageMenu(browserMenuDeps());
  // A native context menu cannot be clicked headless: e2e tests call the same handler here.
  Object.assign(globalThis, { glimpse: { onMenuClicked } });
});
