import { ExpandableText } from '@/src/ui/expandable-text';
import { formatPercent } from '@/src/ui/percent';
import type { ToolCardView } from '../verdict-model';

interface ToolCardProps {
  card: ToolCardView;
  pending: boolean;
  onChoose: () => void;
}

export function ToolCard({ card, pending, onChoose }: ToolCardProps) {
  const { tool } = card;
  const headingId = `tool-${tool.id}`;
  return (
    <article
      class={card.picked ? 'card picked' : 'card'}
      aria-labelledby={headingId}
      data-tool={tool.id}
    >
      <p class="eyebrow">{tool.category}</p>
      <h2 id={headingId}>{tool.name}</h2>
      <p class="tagline">{tool.tagline}</p>
      <dl class="stats">
        <div>
          <dt>Panel ship</dt>
          <dd data-stat="panel">{formatPercent(card.panelPercent)}</dd>
        </div>
        <div>
          <dt>Community</dt>
          <dd
            data-stat="community"
            title={
              card.communityKnown
                ? `${card.communityVotes} of ${card.communityTotal} community votes`
                : 'Not known until Glimpse reaches the vote service'
            }
          >
            {card.communityKnown ? formatPercent(card.communityPercent) : '…'}
          </dd>
        </div>
        <div>
          <dt>Entry</dt>
          <dd data-stat="entry">{tool.entryPrice}</dd>
        </div>
      </dl>
      <ExpandableText text={tool.description} label={`${tool.name} description`} />
      <button
        type="button"
        class="vote-button"
        aria-pressed={card.picked}
        disabled={pending}
        onClick={onChoose}
      >
        {card.picked ? `Your pick: ${tool.name}` : `Ship with ${tool.name}`}
      </button>
    </article>
  );
}
