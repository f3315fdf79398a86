import { sendRequest } from '@/src/messaging/runtime-rpc';
import type { EngineHostApi } from '../offscreen-control';

/**
 * Firefox's engine host. Firefox has no offscreen API, but its MV3 background is an event page
 * with a DOM, so the same engine page runs in a hidden frame of it: the same code, the same
 * engine port. The frame lives and dies with the event page; `keepAliveWhileWorking` in the
 * frame holds the page up while an answer runs.
 */
export function backgroundFrameHost(url: string, doc: Document = document): EngineHostApi {
  let frame: HTMLIFrameElement | null = null;
  return {
    name: 'background page frame',
    hasDocument: async () => frame?.isConnected ?? false,
    createDocument: async () => {
      frame = doc.createElement('iframe');
      frame.src = url;
      frame.setAttribute('aria-hidden', 'true');
      doc.body.append(frame);
    },
    closeDocument: async () => {
      frame?.remove();
      frame = null;
    },
    requestConnect: async () => {
      await sendRequest({ type: 'engine/connect' });
    },
  };
}
