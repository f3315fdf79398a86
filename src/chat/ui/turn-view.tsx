import { localizeEngineText } from '@/src/i18n/engine-text';
import { formatNumber, plural, t } from '@/src/i18n/i18n';
import type { Turn } from '../chat-model';
import { trusted } from './trusted';

interface TurnViewProps {
  turn: Turn;
  renderMarkdown: (markdown: string) => string;
  copied: boolean;
  canRetry: boolean;
  onCopy: () => void;
  onRetry: () => void;
  onOpenSettings: () => void;
  /** The answer's language when it is known to differ from the UI's (English-only models). */
  answerLang?: string | undefined;
}

function statsLine(turn: Turn): string | null {
  const stats = turn.stats.value;
  if (!stats) return null;
  const seconds = formatNumber(stats.totalMs / 1000, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  const parts = [t('chat.stats.seconds', { seconds })];
  if (stats.tokensPerSecond > 0)
    parts.push(
      t('chat.stats.speed', {
        speed: formatNumber(stats.tokensPerSecond, { maximumFractionDigits: 0 }),
      }),
    );
  parts.push(
    t('chat.stats.firstWord', { ms: formatNumber(Math.round(stats.clickTtftMs ?? stats.ttftMs)) }),
  );
  parts.push(
    stats.reusedCache
      ? t('chat.stats.imageReused')
      : stats.prefilledEarly
        ? t('chat.stats.imageReadEarly', {
            tokens: formatNumber(stats.imageTokens),
            ms: formatNumber(stats.prefillMs ?? 0),
          })
        : t('chat.stats.imageRead', { tokens: formatNumber(stats.imageTokens) }),
  );
  return parts.join(' · ');
}

export function TurnView({
  turn,
  renderMarkdown,
  copied,
  canRetry,
  onCopy,
  onRetry,
  onOpenSettings,
  answerLang,
}: TurnViewProps) {
  const state = turn.state.value;
  const stats = turn.stats.value;
  const streaming = state === 'waiting' || state === 'streaming';
  return (
    <li
      class={`turn state-${state}`}
      data-state={state}
      data-prompt-tokens={stats?.promptTokens}
      data-image-tokens={stats?.imageTokens}
      data-reused-cache={stats ? String(stats.reusedCache) : undefined}
    >
      <p class="question">
        <span class="sr-only">{t('chat.youAsked')}</span>
        {turn.label ?? <span data-content>{turn.question}</span>}
      </p>
      {state === 'waiting' && !turn.answer.value && (
        <p class="waiting">
          {turn.ahead.value > 1
            ? plural('chat.waitingFor', turn.ahead.value - 1)
            : t('chat.thinking')}
        </p>
      )}
      <div
        class="answer"
        aria-live="polite"
        aria-busy={streaming}
        // Model output: what the model wrote, in its language (English for English-only models).
        data-content
        lang={answerLang}
        // Sanitised markdown: raw HTML in the answer is escaped, then DOMPurify keeps safe tags only.
        dangerouslySetInnerHTML={{ __html: renderMarkdown(turn.answer.value) }}
      />
      {state === 'cancelled' && <p class="note">{t('chat.stopped')}</p>}
      {turn.error.value && (
        <p class="error" role="alert">
          {localizeEngineText(turn.error.value)}
        </p>
      )}
      {turn.error.value && (
        <div class="turn-actions">
          {canRetry && (
            <button type="button" class="small" onClick={trusted(onRetry)}>
              {t('chat.tryAgain')}
            </button>
          )}
          {/Options/.test(turn.error.value) && (
            <button type="button" class="small" onClick={trusted(onOpenSettings)}>
              {t('chat.openSettings')}
            </button>
          )}
        </div>
      )}
      {stats?.notice && <p class="note">{localizeEngineText(stats.notice)}</p>}
      {(state === 'done' || state === 'cancelled') && turn.answer.value.trim() && (
        <div class="turn-actions">
          <button type="button" class="small" onClick={trusted(onCopy)}>
            {copied ? t('common.copied') : t('common.copy')}
          </button>
          <span class="stats">{statsLine(turn)}</span>
        </div>
      )}
    </li>
  );
}
