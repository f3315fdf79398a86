import { plural, t } from '@/src/i18n/i18n';
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
      {/* The comparison's own words (shared/seed), shown as written: English. */}
      <p class="eyebrow" lang="en" data-content>
        {tool.category}
      </p>
      <h2 id={headingId} lang="en" data-content>
        {tool.name}
      </h2>
      <p class="tagline" lang="en" data-content>
        {tool.tagline}
      </p>
      <dl class="stats">
        <div>
          <dt>{t('verdicts.panelShip')}</dt>
          <dd data-stat="panel">{formatPercent(card.panelPercent)}</dd>
        </div>
        <div>
          <dt>{t('verdicts.community')}</dt>
          <dd
            data-stat="community"
            title={
              card.communityKnown
                ? plural('verdicts.communityVotes', card.communityTotal, {
                    votes: card.communityVotes,
                  })
                : t('verdicts.communityUnknown')
            }
          >
            {card.communityKnown ? formatPercent(card.communityPercent) : '…'}
          </dd>
        </div>
        <div>
          <dt>{t('verdicts.entry')}</dt>
          <dd data-stat="entry" lang="en" data-content>
            {tool.entryPrice}
          </dd>
        </div>
      </dl>
      <ExpandableText
        text={tool.description}
        textLang="en"
        label={t('verdicts.descriptionOf', { tool: tool.name })}
      />
      <button
        type="button"
        class="vote-button"
        aria-pressed={card.picked}
        disabled={pending}
        onClick={onChoose}
      >
        {card.picked
          ? t('verdicts.yourPick', { tool: tool.name })
          : t('verdicts.shipWith', { tool: tool.name })}
      </button>
    </article>
  );
}
