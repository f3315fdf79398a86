import { localizeEngineText } from '@/src/i18n/engine-text';
import { t } from '@/src/i18n/i18n';
import { StatusLine } from '@/src/ui/engine-status';
import { describeStatus } from '@/src/vlm/status-format';
import type { ChatModelInstance } from '../chat-model';
import { hostAccessSentence } from '../host-access';
import { QUICK_ACTIONS } from '../prompts';
import { closeOnEscape, HeaderActions } from './header-actions';
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
  /** When the UI isn't English and the model writes English only: its name, for the note. */
  englishOnlyModel?: string;
}

export function ChatPanel({
  model,
  thumbnailUrl,
  alt,
  renderMarkdown,
  onClose,
  onContinueInSidePanel,
  englishOnlyModel,
}: ChatPanelProps) {
  const busy = model.busy.value;
  return (
    <section
      class="panel"
      role="dialog"
      aria-modal="false"
      aria-labelledby="glimpse-title"
      onKeyDown={closeOnEscape(onClose)}
    >
      <header>
        {thumbnailUrl && <img class="thumb" src={thumbnailUrl} alt="" />}
        <div class="titles">
          <h2 id="glimpse-title">{t('chat.title')}</h2>
          {alt ? (
            // The page's own alt text, in the page's language.
            <p class="subtitle" data-content>{`“${alt}”`}</p>
          ) : (
            <p class="subtitle">{t('chat.subtitle')}</p>
          )}
        </div>
        <HeaderActions busy={busy} onStop={() => model.stop()} onClose={onClose} />
      </header>
      <StatusLine view={describeStatus(model.status.value)} />
      {model.hostAccess.value && (
        <div class="host-access" data-testid="host-access">
          <p>{hostAccessSentence(model.hostAccess.value.host)}</p>
          <button type="button" onClick={trusted(() => void model.allowHostAccess())}>
            {t('chat.hostAccess.allow', { host: model.hostAccess.value.host })}
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
          {localizeEngineText(model.problem.value)}
        </p>
      )}
      <fieldset class="quick">
        <legend class="sr-only">{t('chat.quickLegend')}</legend>
        {QUICK_ACTIONS.map((action) => (
          <button
            key={action.id}
            type="button"
            disabled={!model.canAsk.value}
            onClick={trusted(() => model.askQuick(action.id))}
          >
            {t(action.label)}
          </button>
        ))}
      </fieldset>
      {englishOnlyModel && (
        <p class="note" data-testid="english-only">
          {t('chat.englishOnly', { model: englishOnlyModel })}
        </p>
      )}
      <ol class="turns" aria-label={t('chat.conversation')}>
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
            answerLang={englishOnlyModel ? 'en' : undefined}
          />
        ))}
      </ol>
      {onContinueInSidePanel && model.isFollowUp.value && !busy && (
        <button type="button" class="small continue" onClick={trusted(onContinueInSidePanel)}>
          {t('chat.continueInSidePanel')}
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
        {followUp ? t('chat.followUpLabel') : t('chat.askLabel')}
      </label>
      <textarea
        id="glimpse-question"
        rows={2}
        maxLength={4000}
        placeholder={followUp ? t('chat.followUpPlaceholder') : t('chat.askPlaceholder')}
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
        {t('chat.ask')}
      </button>
    </form>
  );
}
