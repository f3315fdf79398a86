import type { Comparison } from '../comparison';
import type { VerdictModelInstance } from '../verdict-model';

/** The user's own vote: what it is, how to withdraw it, and what the tally counts. */
export function VotePanel({ data, model }: { data: Comparison; model: VerdictModelInstance }) {
  const choice = model.choice.value;
  const pickedName = data.tools.find((t) => t.id === choice)?.name;
  const total = model.totalVotes.value;
  return (
    <section class="vote-panel" aria-labelledby="vote-heading">
      <h2 id="vote-heading">Your vote</h2>
      <p class="vote-status" role="status" aria-live="polite">
        {!model.loaded.value
          ? 'Loading your vote…'
          : pickedName
            ? `You picked ${pickedName}. You can change or withdraw it at any time.`
            : 'You have not voted yet. Pick the tool you would ship with.'}
      </p>
      {model.error.value && (
        <p class="error" role="alert">
          {model.error.value}
        </p>
      )}
      <button
        type="button"
        class="secondary"
        disabled={choice === null || model.pending.value}
        onClick={() => void model.withdraw()}
      >
        Withdraw my vote
      </button>
      <p class="fine-print" data-testid="tally-note">
        Community: {total} {total === 1 ? 'vote' : 'votes'}, counted on this device only until the
        Glimpse vote service launches.
      </p>
    </section>
  );
}
