import type {
  AskMessage,
  AskPortEvent,
  AskPortMessage,
  EngineEvent,
  EngineStatus,
  GenerationStats,
  PrefillMessage,
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
  message: AskMessage | PrefillMessage;
  /** A prefill stopped to let a question from another conversation go first: it runs again later. */
  preempted?: boolean;
}

/**
 * The background's share of asking: one generation at a time in a fair queue across tabs,
 * the offscreen document started on demand, and every request ended by exactly one of
 * done (prefilled), error or cancelled.
 *
 * Prefills (reading an image when a panel opens, before any question) are low priority: they
 * run only when no question waits, and a question from another conversation stops the prefill
 * under way at its next tile, then the prefill is queued again behind the questions.
 */
export function createAskRouter(deps: RouterDeps) {
  const queue = new FairQueue<Job>();
  const prefills = new FairQueue<Job>();
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
      case 'prefilled':
        finishActive(() => ({ type: 'prefilled', requestId, stats: event.stats }));
        return;
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
        if (job.preempted && requesters.has(job.requester)) {
          active = null;
          prefills.push(job.requester.key, { ...job, preempted: false });
          void pump();
          return;
        }
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
    const job = queue.shift() ?? prefills.shift();
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

  /** A question arrived: the prefill under way for another conversation gives way. */
  function preemptPrefill(question: Job) {
    const job = active;
    if (job?.message.type !== 'prefill' || job.preempted) return;
    const sameConversation =
      job.requester === question.requester &&
      job.message.conversationId === question.message.conversationId;
    if (sameConversation) return; // the question needs that image: let it finish
    job.preempted = true;
    void deps.control.ensure().then((engine) => engine.post({ type: 'cancel', requestId: job.id }));
  }

  function cancel(requester: Requester, requestId: string) {
    const match = (job: Job) => job.requester === requester && job.message.requestId === requestId;
    const removed = [...queue.remove(match), ...prefills.remove(match)];
    if (removed.length > 0) {
      requester.port.post({ type: 'cancelled', requestId });
      return;
    }
    const job = active;
    if (job?.requester === requester && job.message.requestId === requestId) {
      job.preempted = false; // cancelled for good, not to be run again
      void deps.control
        .ensure()
        .then((engine) => engine.post({ type: 'cancel', requestId: job.id }));
    }
  }

  return {
    get status() {
      return status;
    },
    get busy() {
      return active !== null || queue.size > 0 || prefills.size > 0;
    },
    /** `key` identifies the requester across reconnects (e.g. its tab), for fairness and ids. */
    connectRequester(port: RequesterPort, key: string) {
      const requester: Requester = { key, port, conversations: new Set() };
      requesters.add(requester);
      port.post({ type: 'status', status });
      port.onMessage((message) => {
        switch (message.type) {
          case 'prefill': {
            requester.conversations.add(message.conversationId);
            prefills.push(requester.key, {
              id: `${scoped(requester, message.requestId)}#${++serial}`,
              requester,
              message,
            });
            void pump();
            return;
          }
          case 'ask': {
            requester.conversations.add(message.conversationId);
            const job: Job = {
              id: `${scoped(requester, message.requestId)}#${++serial}`,
              requester,
              message,
            };
            // A prefill still waiting for this conversation is not needed: the question reads
            // the image itself, the same way.
            for (const waiting of prefills.remove(
              (p) =>
                p.requester === requester && p.message.conversationId === message.conversationId,
            ))
              port.post({ type: 'cancelled', requestId: waiting.message.requestId });
            queue.push(requester.key, job);
            preemptPrefill(job);
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
            for (const job of [active, ...prefills.ordered()]) {
              if (
                job?.message.type === 'prefill' &&
                job.requester === requester &&
                job.message.conversationId === message.conversationId
              )
                cancel(requester, job.message.requestId);
            }
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
        prefills.remove((job) => job.requester === requester);
        if (![...requesters].some((r) => r.key === requester.key)) {
          queue.forget(requester.key);
          prefills.forget(requester.key);
        }
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
      if (active || queue.size > 0 || prefills.size > 0) return false;
      await deps.control.close();
      status = { state: 'idle' };
      deps.onStatus(status);
      broadcast({ type: 'status', status });
      return true;
    },
  };
}
export type AskRouter = ReturnType<typeof createAskRouter>;
