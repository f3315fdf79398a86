import { localizeEngineText } from '@/src/i18n/engine-text';
import { t } from '@/src/i18n/i18n';
import type { VerdictModelInstance } from '../verdict-model';

/** The user's own vote: what it is, whether the community counts it yet, and where from. */
export function VotePanel({ model }: { model: VerdictModelInstance }) {
  const problem = model.syncProblem.value;
  return (
    <section class="vote-panel" aria-labelledby="vote-heading">
      <h2 id="vote-heading">{t('verdicts.yourVote')}</h2>
      <p class="vote-status" role="status" aria-live="polite">
        {model.voteLine.value}
      </p>
      {problem && (
        <p class="sync-problem" data-testid="sync-problem" aria-live="polite">
          {problem}
        </p>
      )}
      {model.error.value && (
        <p class="error" role="alert">
          {localizeEngineText(model.error.value)}
        </p>
      )}
      <button
        type="button"
        class="secondary"
        disabled={model.choice.value === null || model.pending.value}
        onClick={() => void model.withdraw()}
      >
        {t('verdicts.withdraw')}
      </button>
      <p class="fine-print" data-testid="tally-note">
        {model.tallyNote.value}
      </p>
    </section>
  );
}
