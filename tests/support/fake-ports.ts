import type { RawPort } from '@/src/messaging/typed-port';

/**
 * Two connected ports, as runtime.connect gives: messages cross as JSON (extension messaging
 * serializes them), asynchronously, and a disconnect on one side reaches the other.
 */
export function portPair(name = 'test'): [RawPort, RawPort] {
  const make = () => {
    const messageListeners: ((m: unknown) => void)[] = [];
    const disconnectListeners: (() => void)[] = [];
    return { messageListeners, disconnectListeners, open: true };
  };
  const a = make();
  const b = make();
  const side = (self: ReturnType<typeof make>, other: ReturnType<typeof make>): RawPort => ({
    name,
    postMessage(message) {
      if (!self.open) throw new Error('Attempting to use a disconnected port object');
      const copy = JSON.parse(JSON.stringify(message)) as unknown;
      queueMicrotask(() => {
        if (other.open) for (const l of other.messageListeners) l(copy);
      });
    },
    disconnect() {
      if (!self.open) return;
      self.open = false;
      other.open = false;
      queueMicrotask(() => {
        for (const l of other.disconnectListeners) l();
      });
    },
    onMessage: { addListener: (cb) => self.messageListeners.push(cb) },
    onDisconnect: { addListener: (cb) => self.disconnectListeners.push(cb) },
  });
  return [side(a, b), side(b, a)];
}

export const flush = async (times = 5) => {
  for (let i = 0; i < times; i++) await new Promise((r) => setTimeout(r, 0));
};
