import { browser } from 'wxt/browser';
import { t } from '@/src/i18n/i18n';
import {
  ASK_PORT,
  type AskMessage,
  type AskPortEvent,
  type AskPortMessage,
  type EngineStatus,
  type PrefillMessage,
} from '@/src/messaging/protocol';
import { type RawPort, type TypedPort, typedPort } from '@/src/messaging/typed-port';

export const CONNECTION_LOST = t('chat.connectionLost');

export type AskFields = Omit<AskMessage, 'type'>;
export type PrefillFields = Omit<PrefillMessage, 'type'>;

/** How the panel talks to the engine; the port implementation is below, tests pass fakes. */
export interface ChatTransport {
  ask(fields: AskFields, onEvent: (event: AskPortEvent) => void): void;
  /** Reads the image before any question; ends with `prefilled`, `error` or `cancelled`. */
  prefill?(fields: PrefillFields, onEvent: (event: AskPortEvent) => void): void;
  cancel(requestId: string): void;
  endConversation(conversationId: string): void;
  /** Keeps the conversation in the engine after this transport closes (for the side panel). */
  keepConversation?(conversationId: string): void;
  onStatus(listener: (status: EngineStatus) => void): void;
  close(): void;
}

/**
 * Asks over the `glimpse-ask` port, connected on first use and again after the service worker
 * restarted. If the port drops mid-answer, that request ends with a sentence, never a hang.
 */
export function createPortTransport(
  connect: () => RawPort = () => browser.runtime.connect({ name: ASK_PORT }) as unknown as RawPort,
): ChatTransport {
  let port: TypedPort<AskPortMessage, AskPortEvent> | null = null;
  const pending = new Map<string, (event: AskPortEvent) => void>();
  const statusListeners = new Set<(status: EngineStatus) => void>();

  function ensurePort() {
    if (port?.connected) return port;
    const next = typedPort<AskPortMessage, AskPortEvent>(connect());
    next.onMessage((event) => {
      if (event.type === 'status') {
        for (const listener of statusListeners) listener(event.status);
        return;
      }
      const listener = pending.get(event.requestId);
      listener?.(event);
      if (
        event.type === 'done' ||
        event.type === 'prefilled' ||
        event.type === 'error' ||
        event.type === 'cancelled'
      )
        pending.delete(event.requestId);
    });
    next.onDisconnect(() => {
      if (port === next) port = null;
      for (const [requestId, listener] of pending)
        listener({ type: 'error', requestId, message: CONNECTION_LOST });
      pending.clear();
    });
    port = next;
    return next;
  }

  return {
    ask(fields, onEvent) {
      pending.set(fields.requestId, onEvent);
      ensurePort().post({ type: 'ask', ...fields });
    },
    prefill(fields, onEvent) {
      pending.set(fields.requestId, onEvent);
      ensurePort().post({ type: 'prefill', ...fields });
    },
    cancel(requestId) {
      if (pending.has(requestId)) port?.post({ type: 'cancel', requestId });
    },
    endConversation(conversationId) {
      port?.post({ type: 'end-conversation', conversationId });
    },
    keepConversation(conversationId) {
      ensurePort().post({ type: 'keep-conversation', conversationId });
    },
    onStatus(listener) {
      statusListeners.add(listener);
      ensurePort();
    },
    close() {
      pending.clear();
      port?.disconnect();
      port = null;
    },
  };
}
