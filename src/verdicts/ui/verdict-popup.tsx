import { t } from '@/src/i18n/i18n';
import { PageActions } from '@/src/page/ui/page-actions';
import { DeviceCard } from '@/src/ui/engine-status';
import type { EngineStatusModelInstance } from '@/src/ui/engine-status-model';
import type { Comparison } from '../comparison';
import type { VerdictModelInstance } from '../verdict-model';
import { Scorecard } from './scorecard';
import { ToolCard } from './tool-card';
import { VotePanel } from './vote-panel';

interface VerdictPopupProps {
  data: Comparison;
  model: VerdictModelInstance;
  device: EngineStatusModelInstance;
  optionsUrl: string;
}

export function VerdictPopup({ data, model, device, optionsUrl }: VerdictPopupProps) {
  return (
    <main class="popup">
      {/* The comparison's title, question and intro are its own words (shared/seed): English. */}
      <header lang="en" data-content>
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
        <strong>{t('verdicts.pricingRead')}</strong> {model.pricing}
      </p>
      <VotePanel model={model} />
      <PageActions />
      <DeviceCard model={device} optionsUrl={optionsUrl} />
      <Scorecard data={data} />
    </main>
  );
}
