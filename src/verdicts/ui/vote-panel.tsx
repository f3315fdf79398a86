import { localizeEngineText } from '@/src/i18n/engine-text';
import { plural, t } from '@/src/i18n/i18n';
import type { Comparison } from '../comparison';
import type { VerdictModelInstance } from '../verdict-model';

/** The user's own vote: what it is, how to withdraw it, and what the tally counts. */
export function VotePanel({ data, model }: { data: Comparison; model: VerdictModelInstance }) {
  const choice = model.choice.value;
  const pickedName = data.tools.find((t) => t.id === choice)?.name;
  const total = model.totalVotes.value;
  return (
    <section class="vote-panel" aria-labelledby="vote-heading">
      <h2 id="vote-heading">{t('verdicts.yourVote')}</h2>
      <p class="vote-status" role="status" aria-live="polite">
        {!model.loaded.value
          ? t('verdicts.loadingVote')
          : pickedName
            ? t('verdicts.youPicked', { tool: pickedName })
            : t('verdicts.notVoted')}
      </p>
      {model.error.value && (
        <p class="error" role="alert">
          {localizeEngineText(model.error.value)}
        </p>
      )}
      <button
        type="button"
        class="secondary"
        disabled={choice === null || model.pending.value}
        onClick={() => void model.withdraw()}
      >
        {t('verdicts.withdraw')}
      </button>
      <p class="fine-print" data-testid="tally-note">
        {plural('verdicts.tally', total)}
      </p>
    </section>
  );
}
