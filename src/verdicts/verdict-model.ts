import { computed, createModel, signal } from '@preact/signals';
import {
  type Comparison,
  formatSplit,
  panelShipPercent,
  pricingRead,
  reviewerSplit,
  type Tool,
  type ToolId,
} from './comparison';
import { communityPercent, type VoteState } from './vote-ledger';

/** How the popup reads and changes the vote; the background owns the ledger. */
export interface VoteClient {
  get(): Promise<VoteState>;
  cast(choice: ToolId): Promise<VoteState>;
  withdraw(): Promise<VoteState>;
  /** Called when the vote changes elsewhere (another popup, a later sync). */
  subscribe(onChange: () => void): () => void;
}

export interface ToolCardView {
  tool: Tool;
  panelPercent: number | null;
  split: string;
  communityPercent: number | null;
  communityVotes: number;
  picked: boolean;
}

export const VerdictModel = createModel((data: Comparison, client: VoteClient) => {
  const vote = signal<VoteState | null>(null);
  const pending = signal(false);
  const error = signal<string | null>(null);

  const cards = computed<ToolCardView[]>(() =>
    data.tools.map((tool) => {
      const state = vote.value;
      return {
        tool,
        panelPercent: panelShipPercent(data.reviews, tool.id),
        split: formatSplit(reviewerSplit(data.reviews, tool.id)),
        communityPercent: state ? communityPercent(state.tally, tool.id) : null,
        communityVotes: state?.tally.counts[tool.id] ?? 0,
        picked: state?.choice === tool.id,
      };
    }),
  );
  const pricing = computed(() => pricingRead(data.tools));
  const totalVotes = computed(() => vote.value?.tally.total ?? 0);
  const choice = computed(() => vote.value?.choice ?? null);
  const loaded = computed(() => vote.value !== null);

  async function run(change: () => Promise<VoteState>) {
    pending.value = true;
    error.value = null;
    try {
      vote.value = await change();
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
    } finally {
      pending.value = false;
    }
  }

  const refresh = () => run(() => client.get());
  void refresh();
  const unsubscribe = client.subscribe(() => void refresh());

  return {
    vote,
    pending,
    error,
    cards,
    pricing,
    totalVotes,
    choice,
    loaded,
    refresh,
    choose: (toolId: ToolId) => run(() => client.cast(toolId)),
    withdraw: () => run(() => client.withdraw()),
    dispose: unsubscribe,
  };
});
export type VerdictModelInstance = InstanceType<typeof VerdictModel>;
