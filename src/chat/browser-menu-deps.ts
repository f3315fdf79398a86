import { browser } from 'wxt/browser';
import { sendRequest } from '@/src/messaging/runtime-rpc';
import type { KeyboardAskDeps } from './keyboard-ask';
import type { MenuDeps } from './setup-background';
import { CONTENT_SCRIPT_FILE } from './setup-background';

/** The real browser behind the menu's dependencies. */
export function browserMenuDeps(): MenuDeps {
  return {
    contextMenus: browser.contextMenus as unknown as MenuDeps['contextMenus'],
    onInstalled: browser.runtime.onInstalled,
    sendToFrame: (tabId, frameId, request) =>
      sendRequest(request, {
        sendMessage: (message) => browser.tabs.sendMessage(tabId, message, { frameId }),
      }),
    extensionOrigin: browser.runtime.getURL('/').replace(/\/$/, ''),
    hasHostAccess: (origins) => browser.permissions.contains({ origins }),
    injectContentScript: async (tabId, frameIds) => {
      await browser.scripting.executeScript({
        target: { tabId, frameIds },
        files: [CONTENT_SCRIPT_FILE] as never,
      });
    },
  };
}

/** The real browser behind the keyboard command and the popup's "ask about this page" button. */
export function browserKeyboardDeps(): KeyboardAskDeps {
  return {
    commands: browser.commands,
    // The popup is not a tab: the page is the active tab of the last focused browser window.
    currentTab: async () => {
      const window = await browser.windows.getLastFocused({ windowTypes: ['normal'] });
      const [tab] = await browser.tabs.query({ active: true, windowId: window.id });
      return tab?.id;
    },
    focusedFrame: async (tabId) => {
      const results = await browser.scripting.executeScript({
        target: { tabId, allFrames: true },
        func: () => ({ focused: document.hasFocus(), url: location.href }),
      });
      const hit = results.find((r) => r.frameId !== 0 && r.result?.focused);
      return hit?.result ? { frameId: hit.frameId, url: hit.result.url } : null;
    },
  };
}
