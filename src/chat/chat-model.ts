import { computed, createModel, type Signal, signal } from '@preact/signals';
import { t } from '@/src/i18n/i18n';
import type { EngineStatus, GenerationStats, ImageInput } from '@/src/messaging/protocol';
import type { ChatTransport } from './ask-transport';
import { type HostAccessNeed, hostAccessElsewhere } from './host-access';
import {
  type AnswerLanguage,
  QUICK_ACTIONS,
  type QuickActionId,
  withAnswerLanguage,
} from './prompts';

export type TurnState = 'waiting' | 'streaming' | 'done' | 'error' | 'cancelled';

export interface Turn {
  id: string;
  question: string;
  /** The quick action's name when the question came from one. */
  label?: string;
  answer: Signal<string>;
  state: Signal<TurnState>;
  stats: Signal<GenerationStats | null>;
  error: Signal<string | null>;
  /** Requests ahead of this one in the queue while waiting. */
  ahead: Signal<number>;
}

export interface ChatDeps {
  transport: ChatTransport;
  /** How to read the image, or null with `problem` when it cannot be read. */
  image: ImageInput | null;
  problem?: string;
  newId(): string;
  copy(text: string): Promise<void>;
  /** Opens Glimpse's Options page, where model, mirror and backend are set. */
  openSettings(): void;
  /** Clock for the TTFT measured from the click; performance.now() unless a test says otherwise. */
  now?(): number;
  /** A conversation carried on from elsewhere (the in-page panel): same engine conversation. */
  resume?: {
    conversationId: string;
    turns: { question: string; answer: string; label?: string }[];
  };
  /** Host access the image needs and the user has not granted yet. */
  hostAccess?: HostAccessNeed;
  /** permissions.request, called from the user's click. */
  requestHostAccess?(need: HostAccessNeed): Promise<boolean>;
  /** The UI language and whether the model is asked to answer in it (quick actions). */
  answerLanguage?: AnswerLanguage;
}

export const MAX_QUESTION_LENGTH = 4000;

export const ChatModel = createModel((deps: ChatDeps) => {
  const conversationId = deps.resume?.conversationId ?? deps.newId();
  const turns = signal<Turn[]>(
    (deps.resume?.turns ?? []).map((t) => ({
      id: deps.newId(),
      question: t.question,
      ...(t.label ? { label: t.label } : {}),
      answer: signal(t.answer),
      state: signal<TurnState>('done'),
      stats: signal(null),
      error: signal(null),
      ahead: signal(0),
    })),
  );
  const draft = signal('');
  const status = signal<EngineStatus>({ state: 'idle' });
  const copiedTurnId = signal<string | null>(null);
  const problem = signal<string | null>(deps.problem ?? (deps.image ? null : t('chat.unreadable')));
  const hostAccess = signal<HostAccessNeed | null>(deps.hostAccess ?? null);
  const hostAccessHelp = signal<string | null>(null);
  // Until a turn has run, the engine has no conversation: every ask carries the image.
  let established = (deps.resume?.turns.length ?? 0) > 0;
  const now = deps.now ?? (() => performance.now());

  // Read the image while the user is still choosing: the first question then feeds only its own
  // tokens. It gives way to any question; the answer is the same with or without it. A resumed
  // conversation has read its image already.
  const prefillId = !established && deps.image && deps.transport.prefill ? deps.newId() : null;
  if (prefillId && deps.image) {
    deps.transport.prefill?.({ requestId: prefillId, conversationId, image: deps.image }, () => {});
  }

  const active = computed(
    () =>
      turns.value.find((t) => t.state.value === 'waiting' || t.state.value === 'streaming') ?? null,
  );
  const busy = computed(() => active.value !== null);
  const canAsk = computed(() => problem.value === null && hostAccess.value === null && !busy.value);
  const isFollowUp = computed(() => turns.value.some((t) => t.state.value === 'done'));

  deps.transport.onStatus((next) => {
    status.value = next;
  });

  function ask(question: string, label?: string) {
    const text = question.trim().slice(0, MAX_QUESTION_LENGTH);
    if (!text || !canAsk.value || !deps.image) return;
    const turn: Turn = {
      id: deps.newId(),
      question: text,
      ...(label ? { label } : {}),
      answer: signal(''),
      state: signal<TurnState>('waiting'),
      stats: signal(null),
      error: signal(null),
      ahead: signal(0),
    };
    turns.value = [...turns.value, turn];
    const clickedAt = now();
    let firstTokenAt: number | null = null;
    deps.transport.ask(
      {
        requestId: turn.id,
        conversationId,
        question: text,
        ...(established ? {} : { image: deps.image }),
      },
      (event) => {
        switch (event.type) {
          case 'queued':
            turn.ahead.value = event.ahead;
            return;
          case 'token':
            firstTokenAt ??= now();
            turn.state.value = 'streaming';
            turn.answer.value += event.text;
            return;
          case 'done':
            turn.stats.value = {
              ...event.stats,
              clickTtftMs: Math.round((firstTokenAt ?? now()) - clickedAt),
            };
            turn.state.value = 'done';
            established = true;
            return;
          case 'cancelled':
            turn.state.value = 'cancelled';
            established = established || turn.answer.value.length > 0;
            return;
          case 'error':
            turn.error.value = event.message;
            turn.state.value = 'error';
            // The engine may have restarted and lost the conversation: the next question re-sends
            // the image, which the engine ignores if it still has the conversation.
            established = false;
            return;
        }
      },
    );
  }

  return {
    turns,
    draft,
    status,
    problem,
    hostAccess,
    hostAccessHelp,
    copiedTurnId,
    active,
    busy,
    canAsk,
    isFollowUp,
    /** Sends the draft (Enter in the question box). */
    send() {
      if (!canAsk.value) return;
      const text = draft.value;
      if (!text.trim()) return;
      draft.value = '';
      ask(text);
    },
    /** Asks a failed or stopped question again. */
    retry(turn: Turn) {
      ask(turn.question, turn.label);
    },
    openSettings() {
      deps.openSettings();
    },
    /** The user's click on "Allow": the browser asks them; on yes the panel can ask. */
    async allowHostAccess() {
      const need = hostAccess.value;
      if (!need) return;
      try {
        if (!deps.requestHostAccess) throw new Error('no way to ask');
        if (await deps.requestHostAccess(need)) {
          hostAccess.value = null;
          hostAccessHelp.value = null;
        }
      } catch {
        hostAccessHelp.value = hostAccessElsewhere(need.host);
      }
    },
    askQuick(id: QuickActionId) {
      const action = QUICK_ACTIONS.find((a) => a.id === id);
      if (action)
        ask(
          withAnswerLanguage(action.prompt, deps.answerLanguage, action.inUiLanguage),
          t(action.label),
        );
    },
    stop() {
      const turn = active.value;
      if (turn) deps.transport.cancel(turn.id);
    },
    async copy(turn: Turn) {
      try {
        await deps.copy(turn.answer.value.trim());
        copiedTurnId.value = turn.id;
      } catch {
        turn.error.value = t('chat.copyFailed');
      }
    },
    /**
     * Hands the conversation over (to the side panel): the engine keeps it when this panel
     * closes. Returns what the side panel shows, or null while an answer is still running.
     */
    handOver() {
      if (busy.value || !established) return null;
      deps.transport.keepConversation?.(conversationId);
      return {
        conversationId,
        turns: turns.value
          .filter((t) => t.state.value === 'done')
          .map((t) => ({
            question: t.question,
            answer: t.answer.value,
            ...(t.label ? { label: t.label } : {}),
          })),
      };
    },
    /** Frees the conversation in the engine and stops anything running. */
    close(options: { keep?: boolean } = {}) {
      const turn = active.value;
      if (turn) deps.transport.cancel(turn.id);
      if (prefillId) deps.transport.cancel(prefillId);
      if (!options.keep) deps.transport.endConversation(conversationId);
      deps.transport.close();
    },
  };
});
export type ChatModelInstance = InstanceType<typeof ChatModel>;
