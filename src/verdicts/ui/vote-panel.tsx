import type { VerdictModelInstance } from '../verdict-model';

/** The user's own vote: what it is, whether the community counts it yet, and where from. */
export function VotePanel({ model }: { model: VerdictModelInstance }) {
  const problem = model.syncProblem.value;
  return (
    <section class="vote-panel" aria-labelledby="vote-heading">
      <h2 id="vote-heading">Your vote</h2>
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
          {model.error.value}
        </p>
      )}
      <button
        type="button"
        class="secondary"
        disabled={model.choice.value === null || model.pending.value}
        onClick={() => void model.withdraw()}
      >
        Withdraw my vote
      </button>
      <p class="fine-print" data-testid="tally-note">
        {model.tallyNote.value}
      </p>
    </section>
  );
}
