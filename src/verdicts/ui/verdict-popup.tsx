import type { Comparison } from '../comparison';
import type { VerdictModelInstance } from '../verdict-model';
import { Scorecard } from './scorecard';
import { ToolCard } from './tool-card';
import { VotePanel } from './vote-panel';

export function VerdictPopup({ data, model }: { data: Comparison; model: VerdictModelInstance }) {
  return (
    <main class="popup">
      <header>
        <p class="eyebrow">
          {data.title} · {data.matchup}
        </p>
        <h1>{data.question}</h1>
        <p class="intro">{data.intro.replace(data.question, '').trim()}</p>
      </header>
      <div class="cards">
        {model.cards.value.map((card) => (
          <ToolCard
            key={card.tool.id}
            card={card}
            pending={model.pending.value}
            onChoose={() => void model.choose(card.tool.id)}
          />
        ))}
      </div>
      <p class="pricing-read">
        <strong>Pricing read:</strong> {model.pricing}
      </p>
      <VotePanel data={data} model={model} />
      <Scorecard data={data} />
    </main>
  );
}
