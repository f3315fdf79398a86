import type {
  AskMessage,
  AskPortEvent,
  AskPortMessage,
  EngineEvent,
  EngineStatus,
  GenerationStats,
} from '@/src/messaging/protocol';
import type { TypedPort } from '@/src/messaging/typed-port';
import { toUserMessage } from '@/src/messaging/user-error';
import { FairQueue } from './fair-queue';
import type { OffscreenControl } from './offscreen-control';
import { engineSettingsOf, type GlimpseSettings } from './settings';

export type RequesterPort = TypedPort<AskPortEvent, AskPortMessage>;

export const ENGINE_STOPPED =
  "Glimpse's on-device model stopped unexpectedly. Ask again to restart it.";

export interface RouterDeps {
  control: OffscreenControl;
  readSettings(): Promise<GlimpseSettings>;
  onStatus(status: EngineStatus): void;
  onDone(stats: GenerationStats): void;
}

interface Requester {
  key: string;
  port: RequesterPort;
  conversations: Set<string>;
}

interface Job {
  /** Namespaced per requester, so two tabs can use the same ids without meeting. */
  id: string;
  requester: Requester;
  message: AskMessage;
}

/**
 * The background's share of asking: one generation at a time in a fair queue across tabs,
 * the offscreen document started on demand, and every request ended by exactly one of
 * done, error or cancelled.
 */
export function createAskRouter(deps: RouterDeps) {
  const queue = new FairQueue<Job>();
  const requesters = new Set<Requester>();
  let active: Job | null = null;
  let status: EngineStatus = { state: 'idle' };
  let serial = 0;

  const scoped = (requester: Requester, id: string) => `${requester.key}/${id}`;

  function broadcast(event: AskPortEvent) {
    for (const requester of requesters) requester.port.post(event);
  }

  function finishActive(end: (job: Job) => AskPortEvent) {
    const job = active;
    if (!job) return;
    active = null;
    job.requester.port.post(end(job));
    void pump();
  }

  deps.control.onEvent((event: EngineEvent) => {
    if (event.type === 'status') {
      status = event.status;
      deps.onStatus(status);
      broadcast(event);
      return;
    }
    const job = active;
    if (!job || event.requestId !== job.id) return;
    const requestId = job.message.requestId;
    switch (event.type) {
      case 'token':
        job.requester.port.post({ type: 'token', requestId, text: event.text });
        return;
      case 'done':
        deps.onDone(event.stats);
        finishActive(() => ({ type: 'done', requestId, stats: event.stats }));
        return;
      case 'error':
        finishActive(() => ({ type: 'error', requestId, message: event.message }));
        return;
      case 'cancelled':
        finishActive(() => ({ type: 'cancelled', requestId }));
        return;
    }
  });

  deps.control.onGone(() => {
    status = { state: 'idle' };
    deps.onStatus(status);
    broadcast({ type: 'status', status });
    finishActive((job) => ({
      type: 'error',
      requestId: job.message.requestId,
      message: ENGINE_STOPPED,
    }));
  });

  async function pump() {
    if (active) return;
    const job = queue.shift();
    if (!job) return;
    active = job;
    announcePositions();
    try {
      const settings = await deps.readSettings();
      const engine = await deps.control.ensure();
      if (active !== job) return; // cancelled or disconnected while starting
      engine.post({
        ...job.message,
        requestId: job.id,
        conversationId: scoped(job.requester, job.message.conversationId),
        settings: { ...engineSettingsOf(settings), idleMinutes: settings.idleMinutes },
      });
    } catch (error) {
      if (active === job) {
        finishActive(() => ({
          type: 'error',
          requestId: job.message.requestId,
          message: toUserMessage(error),
        }));
      }
    }
  }

  /** Tells each waiting request how many run before it; a tab only hears about its own. */
  function announcePositions() {
    queue.ordered().forEach((job, index) => {
      job.requester.port.post({
        type: 'queued',
        requestId: job.message.requestId,
        ahead: index + 1,
      });
    });
  }

  function cancel(requester: Requester, requestId: string) {
    const removed = queue.remove(
      (job) => job.requester === requester && job.message.requestId === requestId,
    );
    if (removed.length > 0) {
      requester.port.post({ type: 'cancelled', requestId });
      return;
    }
    if (active?.requester === requester && active.message.requestId === requestId) {
      void deps.control
        .ensure()
        .then((engine) => engine.post({ type: 'cancel', requestId: active?.id ?? '' }));
    }
  }

  return {
    get status() {
      return status;
    },
    get busy() {
      return active !== null || queue.size > 0;
    },
    /** `key` identifies the requester across reconnects (e.g. its tab), for fairness and ids. */
    connectRequester(port: RequesterPort, key: string) {
      const requester: Requester = { key, port, conversations: new Set() };
      requesters.add(requester);
      port.post({ type: 'status', status });
      port.onMessage((message) => {
        switch (message.type) {
          case 'ask': {
            requester.conversations.add(message.conversationId);
            const job: Job = {
              id: `${scoped(requester, message.requestId)}#${++serial}`,
              requester,
              message,
            };
            queue.push(requester.key, job);
            const ahead = queue.ordered().indexOf(job) + (active ? 1 : 0);
            port.post({ type: 'queued', requestId: message.requestId, ahead });
            void pump();
            return;
          }
          case 'cancel':
            cancel(requester, message.requestId);
            return;
          case 'keep-conversation':
            // Another requester of the same tab (its side panel) carries it on: not freed here.
            requester.conversations.delete(message.conversationId);
            return;
          case 'end-conversation':
            requester.conversations.delete(message.conversationId);
            if (deps.control.attached) {
              void deps.control.ensure().then((engine) =>
                engine.post({
                  type: 'end-conversation',
                  conversationId: scoped(requester, message.conversationId),
                }),
              );
            }
            return;
        }
      });
      port.onDisconnect(() => {
        requesters.delete(requester);
        queue.remove((job) => job.requester === requester);
        if (![...requesters].some((r) => r.key === requester.key)) queue.forget(requester.key);
        if (active?.requester === requester) {
          const job = active;
          void deps.control
            .ensure()
            .then((engine) => engine.post({ type: 'cancel', requestId: job.id }));
        }
        // A closed panel or tab frees its conversations' memory in the engine.
        if (deps.control.attached) {
          for (const conversationId of requester.conversations) {
            void deps.control.ensure().then((engine) =>
              engine.post({
                type: 'end-conversation',
                conversationId: scoped(requester, conversationId),
              }),
            );
          }
        }
      });
    },
    /** The offscreen document says it has been idle: close it unless work arrived meanwhile. */
    async closeIfIdle(): Promise<boolean> {
      if (active || queue.size > 0) return false;
      await deps.control.close();
      status = { state: 'idle' };
      deps.onStatus(status);
      broadcast({ type: 'status', status });
      return true;
    },
  };
}
export type AskRouter = ReturnType<typeof createAskRouter>;
