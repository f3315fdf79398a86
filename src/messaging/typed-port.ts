import type * as v from 'valibot';
import { safeParse } from 'valibot';

/** The slice of runtime.Port Glimpse uses; the fake ports in unit tests implement it too. */
export interface RawPort {
  name: string;
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(cb: (message: unknown) => void): void };
  onDisconnect: { addListener(cb: () => void): void };
}

/** A port that sends `Send` and receives `Receive`; a disconnect means cancel. */
export interface TypedPort<Send, Receive> {
  post(message: Send): void;
  onMessage(cb: (message: Receive) => void): void;
  onDisconnect(cb: () => void): void;
  disconnect(): void;
  readonly connected: boolean;
}

/**
 * Wraps a runtime port. Incoming messages are validated against `schema` when one is given;
 * anything that does not parse is dropped. Posting to a closed port is a no-op, not a throw.
 */
export function typedPort<Send, Receive>(
  raw: RawPort,
  schema?: v.GenericSchema<unknown, Receive>,
): TypedPort<Send, Receive> {
  let connected = true;
  raw.onDisconnect.addListener(() => {
    connected = false;
  });
  return {
    get connected() {
      return connected;
    },
    post(message) {
      if (!connected) return;
      try {
        raw.postMessage(message);
      } catch {
        connected = false;
      }
    },
    onMessage(cb) {
      raw.onMessage.addListener((message) => {
        if (!schema) {
          cb(message as Receive);
          return;
        }
        const parsed = safeParse(schema, message);
        if (parsed.success) cb(parsed.output);
      });
    },
    onDisconnect(cb) {
      raw.onDisconnect.addListener(cb);
    },
    disconnect() {
      connected = false;
      raw.disconnect();
    },
  };
}
