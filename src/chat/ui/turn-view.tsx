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
}

function statsLine(turn: Turn): string | null {
  const stats = turn.stats.value;
  if (!stats) return null;
  const seconds = (stats.totalMs / 1000).toFixed(1);
  const speed = stats.tokensPerSecond > 0 ? ` · ${stats.tokensPerSecond.toFixed(0)} tokens/s` : '';
  const image = stats.reusedCache
    ? ' · image reused, not re-read'
    : stats.prefilledEarly
      ? ` · image read before you asked (${stats.imageTokens} tokens, ${stats.prefillMs} ms)`
      : ` · image read (${stats.imageTokens} tokens)`;
  const firstWord = Math.round(stats.clickTtftMs ?? stats.ttftMs);
  return `${seconds} s${speed} · first word after ${firstWord} ms${image}`;
}

export function TurnView({
  turn,
  renderMarkdown,
  copied,
  canRetry,
  onCopy,
  onRetry,
  onOpenSettings,
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
        <span class="sr-only">You asked: </span>
        {turn.label ?? turn.question}
      </p>
      {state === 'waiting' && !turn.answer.value && (
        <p class="waiting">
          {turn.ahead.value > 1
            ? `Waiting for ${turn.ahead.value - 1} other question(s)…`
            : 'Thinking…'}
        </p>
      )}
      <div
        class="answer"
        aria-live="polite"
        aria-busy={streaming}
        // Sanitised markdown: raw HTML in the answer is escaped, then DOMPurify keeps safe tags only.
        dangerouslySetInnerHTML={{ __html: renderMarkdown(turn.answer.value) }}
      />
      {state === 'cancelled' && <p class="note">Stopped.</p>}
      {turn.error.value && (
        <p class="error" role="alert">
          {turn.error.value}
        </p>
      )}
      {turn.error.value && (
        <div class="turn-actions">
          {canRetry && (
            <button type="button" class="small" onClick={trusted(onRetry)}>
              Try again
            </button>
          )}
          {/Options/.test(turn.error.value) && (
            <button type="button" class="small" onClick={trusted(onOpenSettings)}>
              Open Glimpse settings
            </button>
          )}
        </div>
      )}
      {stats?.notice && <p class="note">{stats.notice}</p>}
      {(state === 'done' || state === 'cancelled') && turn.answer.value.trim() && (
        <div class="turn-actions">
          <button type="button" class="small" onClick={trusted(onCopy)}>
            {copied ? 'Copied' : 'Copy'}
          </button>
          <span class="stats">{statsLine(turn)}</span>
        </div>
      )}
    </li>
  );
}
