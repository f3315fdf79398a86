import { t } from '@/src/i18n/i18n';
import { ExpandableText } from '@/src/ui/expandable-text';
import { type Comparison, formatSplit, reviewerSplit } from '../comparison';

/** The eight reviewer quotes, grouped under their tool, each with its verdict. */
export function Scorecard({ data }: { data: Comparison }) {
  return (
    <section class="scorecard" aria-labelledby="scorecard-heading">
      <h2 id="scorecard-heading">{t('verdicts.scorecard')}</h2>
      <div class="columns">
        {data.tools.map((tool) => {
          const split = reviewerSplit(data.reviews, tool.id);
          const reviews = data.reviews
            .map((review, index) => ({ review, number: index + 1 }))
            .filter(({ review }) => review.toolId === tool.id);
          return (
            <section
              key={tool.id}
              class="scorecard-tool"
              data-tool={tool.id}
              aria-label={t('verdicts.reviewsOf', { tool: tool.name })}
            >
              <h3>
                <span lang="en" data-content>
                  {tool.name}
                </span>{' '}
                <span class="split" data-split={tool.id} aria-hidden="true">
                  {formatSplit(split)}
                </span>
                <span class="sr-only">
                  {t('verdicts.split', { ship: split.ship, skip: split.skip })}
                </span>
              </h3>
              <ol class="quotes">
                {reviews.map(({ review, number }) => (
                  <li key={number} class="quote" data-verdict={review.verdict}>
                    <span class={`verdict ${review.verdict}`}>
                      {review.verdict === 'ship' ? t('verdicts.ship') : t('verdicts.skip')}
                    </span>
                    <ExpandableText
                      as="blockquote"
                      text={review.quote}
                      textLang="en"
                      label={t('verdicts.quoteOf', { n: number, tool: tool.name })}
                      lines={4}
                    />
                  </li>
                ))}
              </ol>
            </section>
          );
        })}
      </div>
    </section>
  );
}
