import { StatusLine } from '@/src/ui/engine-status';
import { describeStatus } from '@/src/vlm/status-format';
import type { ChatModelInstance } from '../chat-model';
import { hostAccessSentence } from '../host-access';
import { QUICK_ACTIONS } from '../prompts';
import { trusted } from './trusted';
import { TurnView } from './turn-view';

export interface ChatPanelProps {
  model: ChatModelInstance;
  thumbnailUrl: string;
  alt: string;
  renderMarkdown: (markdown: string) => string;
  onClose: () => void;
  /** Moves the conversation to the browser's side panel (where there is one). */
  onContinueInSidePanel?: () => void;
}

export function ChatPanel({
  model,
  thumbnailUrl,
  alt,
  renderMarkdown,
  onClose,
  onContinueInSidePanel,
}: ChatPanelProps) {
  const busy = model.busy.value;
  return (
    <section
      class="panel"
      role="dialog"
      aria-modal="false"
      aria-labelledby="glimpse-title"
      onKeyDown={trusted((event: KeyboardEvent) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          onClose();
        }
      })}
    >
      <header>
        {thumbnailUrl && <img class="thumb" src={thumbnailUrl} alt="" />}
        <div class="titles">
          <h2 id="glimpse-title">Ask Glimpse about this image</h2>
          <p class="subtitle">{alt ? `“${alt}”` : 'Answered on your device. Nothing leaves it.'}</p>
        </div>
        <div class="header-actions">
          {busy && (
            // In the header, which never moves: a Stop under a growing answer is a moving target.
            <button type="button" class="stop" onClick={trusted(() => model.stop())}>
              Stop
            </button>
          )}
          <button
            type="button"
            class="icon"
            aria-label="Close Glimpse (Esc)"
            onClick={trusted(onClose)}
          >
            ×
          </button>
        </div>
      </header>
      <StatusLine view={describeStatus(model.status.value)} />
      {model.hostAccess.value && (
        <div class="host-access" data-testid="host-access">
          <p>{hostAccessSentence(model.hostAccess.value.host)}</p>
          <button type="button" onClick={trusted(() => void model.allowHostAccess())}>
            Allow {model.hostAccess.value.host}
          </button>
          {model.hostAccessHelp.value && (
            <p class="error" role="alert">
              {model.hostAccessHelp.value}
            </p>
          )}
        </div>
      )}
      {model.problem.value && (
        <p class="error" role="alert" data-testid="problem">
          {model.problem.value}
        </p>
      )}
      <fieldset class="quick">
        <legend class="sr-only">Quick questions</legend>
        {QUICK_ACTIONS.map((action) => (
          <button
            key={action.id}
            type="button"
            disabled={!model.canAsk.value}
            onClick={trusted(() => model.askQuick(action.id))}
          >
            {action.label}
          </button>
        ))}
      </fieldset>
      <ol class="turns" aria-label="Conversation">
        {model.turns.value.map((turn) => (
          <TurnView
            key={turn.id}
            turn={turn}
            renderMarkdown={renderMarkdown}
            copied={model.copiedTurnId.value === turn.id}
            onCopy={() => void model.copy(turn)}
            canRetry={model.canAsk.value}
            onRetry={() => model.retry(turn)}
            onOpenSettings={() => model.openSettings()}
          />
        ))}
      </ol>
      {onContinueInSidePanel && model.isFollowUp.value && !busy && (
        <button type="button" class="small continue" onClick={trusted(onContinueInSidePanel)}>
          Continue in side panel
        </button>
      )}
      <QuestionBox model={model} />
    </section>
  );
}

function QuestionBox({ model }: { model: ChatModelInstance }) {
  const followUp = model.isFollowUp.value;
  return (
    <form
      class="ask"
      onSubmit={trusted((event: SubmitEvent) => {
        event.preventDefault();
        model.send();
      })}
    >
      <label class="sr-only" for="glimpse-question">
        {followUp ? 'Ask a follow-up question' : 'Ask a question about the image'}
      </label>
      <textarea
        id="glimpse-question"
        rows={2}
        maxLength={4000}
        placeholder={followUp ? 'Ask a follow-up…' : 'Ask about this image…'}
        value={model.draft.value}
        disabled={model.problem.value !== null}
        onInput={trusted((event: Event) => {
          model.draft.value = (event.currentTarget as HTMLTextAreaElement).value;
        })}
        onKeyDown={trusted((event: KeyboardEvent) => {
          // Enter sends, Shift+Enter is a new line; never while an IME is composing.
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            model.send();
          }
        })}
      />
      <button
        type="submit"
        class="primary"
        disabled={!model.canAsk.value || !model.draft.value.trim()}
      >
        Ask
      </button>
    </form>
  );
}
