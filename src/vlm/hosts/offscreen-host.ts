import { browser } from 'wxt/browser';
import { sendRequest } from '@/src/messaging/runtime-rpc';
import type { EngineHostApi } from '../offscreen-control';

/**
 * Chrome's engine host: an offscreen document (the service worker has no DOM, no WebGPU and
 * can't start workers), created on demand and found again after the worker restarts.
 */
export function offscreenHost(url: string): EngineHostApi {
  return {
    name: 'offscreen document',
    hasDocument: async () => {
      const contexts = await browser.runtime.getContexts({
        contextTypes: ['OFFSCREEN_DOCUMENT' as Browser.runtime.ContextType],
        documentUrls: [url],
      });
      return contexts.length > 0;
    },
    createDocument: () =>
      browser.offscreen.createDocument({
        url,
        reasons: ['WORKERS' as Browser.offscreen.Reason],
        justification: 'Runs the on-device vision-language model (WebGPU or WASM workers).',
      }),
    closeDocument: () => browser.offscreen.closeDocument(),
    requestConnect: async () => {
      await sendRequest({ type: 'engine/connect' });
    },
  };
}
