import type { EngineCommand, EngineEvent } from '@/src/messaging/protocol';
import type { TypedPort } from '@/src/messaging/typed-port';
import { UserFacingError } from '@/src/messaging/user-error';

export type EnginePort = TypedPort<EngineCommand, EngineEvent>;

/**
 * Where the engine's page runs, per browser (src/vlm/hosts/): Chrome's offscreen document or a
 * frame in Firefox's event page. Injectable for unit tests.
 */
export interface EngineHostApi {
  /** For logs and the README: "offscreen document", "background page frame". */
  name?: string;
  hasDocument(): Promise<boolean>;
  createDocument(): Promise<void>;
  closeDocument(): Promise<void>;
  /** Asks an already open document to connect its engine port (after the worker restarted). */
  requestConnect(): Promise<void>;
}
/** The name it had when Chrome's offscreen document was the only host. */
export type OffscreenApi = EngineHostApi;

export const ENGINE_START_FAILED =
  "Glimpse's on-device model couldn't start. Reload the page and try again; if it keeps happening, restart the browser.";

/**
 * Keeps at most one offscreen document, created on demand and found again after the service
 * worker restarts. Engine events from whichever port is attached reach `onEvent` listeners.
 */
export function createOffscreenControl(api: EngineHostApi, { connectTimeoutMs = 20_000 } = {}) {
  let port: EnginePort | null = null;
  let starting: Promise<EnginePort> | null = null;
  const waiters = new Set<(port: EnginePort) => void>();
  const eventListeners = new Set<(event: EngineEvent) => void>();
  const goneListeners = new Set<() => void>();

  function waitForPort(): Promise<EnginePort> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(done);
        reject(new UserFacingError(ENGINE_START_FAILED));
      }, connectTimeoutMs);
      const done = (p: EnginePort) => {
        clearTimeout(timer);
        waiters.delete(done);
        resolve(p);
      };
      waiters.add(done);
    });
  }

  async function start(): Promise<EnginePort> {
    const arrival = waitForPort();
    arrival.catch(() => undefined);
    try {
      if (await api.hasDocument()) await api.requestConnect();
      else await api.createDocument();
    } catch {
      // A document created between our check and create, or one closing: wait for its port anyway.
      if (!(await api.hasDocument().catch(() => false)))
        throw new UserFacingError(ENGINE_START_FAILED);
      await api.requestConnect().catch(() => undefined);
    }
    return arrival;
  }

  return {
    /** Called by the background when the offscreen document connects its engine port. */
    attach(next: EnginePort) {
      port = next;
      next.onMessage((event) => {
        for (const listener of eventListeners) listener(event);
      });
      next.onDisconnect(() => {
        if (port !== next) return;
        port = null;
        for (const listener of goneListeners) listener();
      });
      for (const waiter of [...waiters]) waiter(next);
    },
    async ensure(): Promise<EnginePort> {
      if (port?.connected) return port;
      starting ??= start().finally(() => {
        starting = null;
      });
      return starting;
    },
    async close(): Promise<void> {
      const current = port;
      port = null;
      current?.disconnect();
      if (await api.hasDocument().catch(() => false))
        await api.closeDocument().catch(() => undefined);
    },
    get attached() {
      return port?.connected ?? false;
    },
    onEvent(listener: (event: EngineEvent) => void) {
      eventListeners.add(listener);
    },
    /** The document closed or crashed while attached. */
    onGone(listener: () => void) {
      goneListeners.add(listener);
    },
  };
}
export type OffscreenControl = ReturnType<typeof createOffscreenControl>;
