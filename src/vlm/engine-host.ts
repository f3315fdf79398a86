import type { EngineCommand, EngineEvent, EngineStatus } from '@/src/messaging/protocol';
import type { TypedPort } from '@/src/messaging/typed-port';
import { toUserMessage } from '@/src/messaging/user-error';
import type { VlmEngine } from './engine';

/** How often download progress may be posted; state changes always go out at once. */
const PROGRESS_INTERVAL_MS = 150;

export interface EngineHostDeps {
  engine: VlmEngine;
  /** Called when nothing was asked for `idleMinutes`: the background then closes the document. */
  onIdle(): void;
  /**
   * Called every `keepAliveMs` while a request runs (loading included): Firefox unloads an idle
   * event page, and this engine lives in one. Not given in Chrome.
   */
  keepAlive?(): void;
  keepAliveMs?: number;
  setTimer?(cb: () => void, ms: number): unknown;
  clearTimer?(handle: unknown): void;
  now?(): number;
}

/**
 * Runs in the offscreen document: serves engine commands from the background's port, streams
 * events back, and owns the idle timer (the service worker may sleep; this document does not).
 */
export function createEngineHost(deps: EngineHostDeps) {
  const setTimer = deps.setTimer ?? ((cb, ms) => setTimeout(cb, ms));
  const clearTimer = deps.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const now = deps.now ?? (() => Date.now());
  const running = new Map<string, AbortController>();
  let port: TypedPort<EngineEvent, EngineCommand> | null = null;
  let idleTimer: unknown = null;
  let idleMinutes = 5;
  let lastProgressAt = 0;
  let pendingProgress: ReturnType<typeof setTimeout> | null = null;
  let keepAliveTimer: ReturnType<typeof setInterval> | null = null;

  /** Ticks only while something runs, so an idle host can still be unloaded. */
  function updateKeepAlive() {
    if (!deps.keepAlive) return;
    if (running.size > 0 && keepAliveTimer === null) {
      deps.keepAlive();
      keepAliveTimer = setInterval(() => deps.keepAlive?.(), deps.keepAliveMs ?? 5_000);
    } else if (running.size === 0 && keepAliveTimer !== null) {
      clearInterval(keepAliveTimer);
      keepAliveTimer = null;
    }
  }

  const send = (event: EngineEvent) => port?.post(event);

  function armIdleTimer() {
    if (idleTimer !== null) clearTimer(idleTimer);
    idleTimer = null;
    if (running.size > 0) return;
    idleTimer = setTimer(() => {
      idleTimer = null;
      if (running.size === 0) deps.onIdle();
    }, idleMinutes * 60_000);
  }

  function publishStatus(status: EngineStatus) {
    if (status.state !== 'downloading') {
      if (pendingProgress) clearTimeout(pendingProgress);
      pendingProgress = null;
      send({ type: 'status', status });
      return;
    }
    const wait = lastProgressAt + PROGRESS_INTERVAL_MS - now();
    if (wait <= 0) {
      lastProgressAt = now();
      send({ type: 'status', status });
    } else if (!pendingProgress) {
      pendingProgress = setTimeout(() => {
        pendingProgress = null;
        lastProgressAt = now();
        send({ type: 'status', status: deps.engine.status });
      }, wait);
    }
  }

  function handle(command: EngineCommand) {
    switch (command.type) {
      case 'ask': {
        const { requestId } = command;
        const controller = new AbortController();
        running.set(requestId, controller);
        updateKeepAlive();
        idleMinutes = command.settings.idleMinutes ?? idleMinutes;
        armIdleTimer();
        deps.engine
          .ask(command, (text) => send({ type: 'token', requestId, text }), controller.signal)
          .then(
            (outcome) =>
              send(
                outcome.outcome === 'done'
                  ? { type: 'done', requestId, stats: outcome.stats }
                  : { type: 'cancelled', requestId },
              ),
            (error: unknown) => send({ type: 'error', requestId, message: toUserMessage(error) }),
          )
          .finally(() => {
            running.delete(requestId);
            updateKeepAlive();
            armIdleTimer();
          });
        return;
      }
      case 'prefill': {
        const { requestId } = command;
        const controller = new AbortController();
        running.set(requestId, controller);
        idleMinutes = command.settings.idleMinutes ?? idleMinutes;
        armIdleTimer();
        deps.engine
          .prefill(command, controller.signal)
          .then(
            (outcome) =>
              send(
                outcome.outcome === 'done'
                  ? { type: 'prefilled', requestId, stats: outcome.stats }
                  : { type: 'cancelled', requestId },
              ),
            (error: unknown) => send({ type: 'error', requestId, message: toUserMessage(error) }),
          )
          .finally(() => {
            running.delete(requestId);
            armIdleTimer();
          });
        return;
      }
      case 'cancel':
        running.get(command.requestId)?.abort();
        return;
      case 'end-conversation':
        deps.engine.endConversation(command.conversationId);
        return;
    }
  }

  return {
    publishStatus,
    /** Attaches (or re-attaches, after the service worker restarted) the background's port. */
    attach(next: TypedPort<EngineEvent, EngineCommand>) {
      port = next;
      next.onMessage(handle);
      next.onDisconnect(() => {
        if (port !== next) return;
        port = null;
        // Nobody is listening for these answers any more.
        for (const controller of running.values()) controller.abort();
      });
      send({ type: 'status', status: deps.engine.status });
      armIdleTimer();
    },
    get attached() {
      return port !== null;
    },
  };
}
