import { browser } from 'wxt/browser';
import { extensionUrl } from '@/src/messaging/extension-url';
import {
  ASK_PORT,
  AskPortMessageSchema,
  ENGINE_PORT,
  type EngineCommand,
  type EngineEvent,
  EngineEventSchema,
} from '@/src/messaging/protocol';
import type { RequestHandlers } from '@/src/messaging/runtime-rpc';
import { type RawPort, typedPort } from '@/src/messaging/typed-port';
import { createAskRouter } from './ask-router';
import { createOffscreenControl, type EngineHostApi } from './offscreen-control';
import { defineSettingsItem, readSettings } from './settings';
import { defineEngineStatusItem, defineLastRunItem } from './status-store';

export const OFFSCREEN_PATH = '/offscreen.html';

interface PortSender {
  id?: string;
  url?: string;
  tab?: { id?: number };
  frameId?: number;
}

const SIDE_PANEL_PAGE = '/sidepanel.html';
const SIDE_PANEL_PORT = new RegExp(`^${ASK_PORT}:tab-\\d+$`);

/** Requests from the same tab share a lane in the fair queue and a namespace for their ids. */
function requesterKey(sender: PortSender, fallback: number): string {
  return sender.tab?.id !== undefined ? `tab-${sender.tab.id}` : `page-${fallback}`;
}

/**
 * The background's share of the on-device model: the engine page's lifecycle, queue, status.
 * `host` says where the engine page runs in this browser (src/vlm/hosts/).
 */
export function setupEngine(
  host: (url: string) => EngineHostApi,
): Pick<RequestHandlers, 'engine/idle' | 'engine/keepalive'> {
  const offscreenUrl = extensionUrl(OFFSCREEN_PATH);
  const statusItem = defineEngineStatusItem();
  const lastRunItem = defineLastRunItem();
  const settingsItem = defineSettingsItem();

  const control = createOffscreenControl(host(offscreenUrl));

  const router = createAskRouter({
    control,
    readSettings: () => readSettings(settingsItem),
    onStatus: (status) => void statusItem.setValue(status),
    onDone: (stats) => void lastRunItem.setValue({ stats, at: Date.now() }),
  });
  void statusItem.setValue({ state: 'idle' });

  let pageSerial = 0;
  browser.runtime.onConnect.addListener((port) => {
    const raw = port as unknown as RawPort & { sender?: PortSender };
    const sender = raw.sender ?? {};
    // Only Glimpse's own pages and content scripts; the engine port only from the offscreen page.
    if (sender.id !== browser.runtime.id) {
      raw.disconnect();
      return;
    }
    if (raw.name === ENGINE_PORT && sender.url?.startsWith(offscreenUrl)) {
      control.attach(typedPort<EngineCommand, EngineEvent>(raw, EngineEventSchema));
    } else if (raw.name === ASK_PORT) {
      router.connectRequester(
        typedPort(raw, AskPortMessageSchema),
        requesterKey(sender, ++pageSerial),
      );
    } else if (
      SIDE_PANEL_PORT.test(raw.name) &&
      sender.url?.startsWith(extensionUrl(SIDE_PANEL_PAGE))
    ) {
      // The side panel has no tab of its own: it names the tab whose conversations it carries on.
      router.connectRequester(
        typedPort(raw, AskPortMessageSchema),
        raw.name.slice(ASK_PORT.length + 1),
      );
    } else {
      raw.disconnect();
    }
  });

  return {
    'engine/idle': async () => ({ closed: await router.closeIfIdle() }),
    // Receiving this message is what resets Firefox's event-page idle timer.
    'engine/keepalive': async () => ({ alive: true }),
  };
}
