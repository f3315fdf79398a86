import { browser } from 'wxt/browser';
import { sendRequest } from '@/src/messaging/runtime-rpc';
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
