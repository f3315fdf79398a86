import { computed, createModel, signal } from '@preact/signals';
import { t, uiLocale } from '@/src/i18n/i18n';
import {
  type Comparison,
  formatSplit,
  freeEntryTools,
  panelShipPercent,
  reviewerSplit,
  type Tool,
  type ToolId,
} from './comparison';
import { communityPercent } from './vote-ledger';
import {
  type FormatTime,
  intlTimeFormatter,
  syncProblemLine,
  tallyNote,
  voteLine,
} from './vote-lines';
import type { VoteState } from './vote-state';

/** How the popup reads and changes the vote; the background owns the ledger. */
export interface VoteClient {
  get(): Promise<VoteState>;
  cast(choice: ToolId): Promise<VoteState>;
  withdraw(): Promise<VoteState>;
  /** The popup opened: ask the background to sync what waits and fetch a fresh tally. */
  syncNow(): Promise<void>;
  /** Called when the vote, the tally or the sync changes elsewhere (another popup, a sync). */
  subscribe(onChange: () => void): () => void;
}

export interface ToolCardView {
  tool: Tool;
  panelPercent: number | null;
  split: string;
  /** null with `communityKnown` false while the service has not been reached yet. */
  communityPercent: number | null;
  communityKnown: boolean;
  communityVotes: number;
  communityTotal: number;
  picked: boolean;
}

/**
 * One plain sentence on the entry prices, derived from the data, in the UI language. (The
 * comparison module stays free of the UI's i18n: the vote service imports it too.)
 */
export function pricingRead(tools: readonly Tool[]): string {
  const free = freeEntryTools(tools);
  if (free.length === tools.length) return t('verdicts.bothFree');
  if (free.length === 0) return t('verdicts.noFree');
  const names = new Intl.ListFormat(uiLocale(), { type: 'conjunction' }).format(
    free.map((tool) => tool.name),
  );
  return t('verdicts.onlyFree', { tools: names });
}

export const VerdictModel = createModel(
  (
    data: Comparison,
    client: VoteClient,
    // Times in the UI's language (the messages' locale), which the browser's can differ from.
    formatTime: FormatTime = intlTimeFormatter(Date.now, uiLocale()),
  ) => {
    const vote = signal<VoteState | null>(null);
    const pending = signal(false);
    const error = signal<string | null>(null);

    const cards = computed<ToolCardView[]>(() =>
      data.tools.map((tool) => {
        const state = vote.value;
        const tally = state?.tally ?? null;
        return {
          tool,
          panelPercent: panelShipPercent(data.reviews, tool.id),
          split: formatSplit(reviewerSplit(data.reviews, tool.id)),
          communityPercent: tally ? communityPercent(tally, tool.id) : null,
          communityKnown: tally !== null,
          communityVotes: tally?.counts[tool.id] ?? 0,
          communityTotal: tally?.total ?? 0,
          picked: state?.choice === tool.id,
        };
      }),
    );
    const pricing = computed(() => pricingRead(data.tools));
    const totalVotes = computed(() => vote.value?.tally?.total ?? 0);
    const line = computed(() => voteLine(data, vote.value));
    const problem = computed(() => syncProblemLine(vote.value, formatTime));
    const note = computed(() => tallyNote(vote.value, formatTime));
    const choice = computed(() => vote.value?.choice ?? null);
    const loaded = computed(() => vote.value !== null);

    // Only the latest answer is shown: an older read can't overwrite a newer vote.
    let issued = 0;
    async function apply(request: () => Promise<VoteState>): Promise<void> {
      const ticket = ++issued;
      try {
        const state = await request();
        if (ticket === issued) vote.value = state;
      } catch (e) {
        error.value = e instanceof Error ? e.message : String(e);
      }
    }

    async function change(request: () => Promise<VoteState>) {
      pending.value = true;
      error.value = null;
      try {
        await apply(request);
      } finally {
        pending.value = false;
      }
    }

    // Reads (at open, and on every change) leave the vote buttons alone; only a vote disables them.
    const refresh = () => apply(() => client.get());
    void refresh();
    void client.syncNow().catch(() => undefined);
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
      voteLine: line,
      syncProblem: problem,
      tallyNote: note,
      refresh,
      choose: (toolId: ToolId) => change(() => client.cast(toolId)),
      withdraw: () => change(() => client.withdraw()),
      dispose: unsubscribe,
    };
  },
);
export type VerdictModelInstance = InstanceType<typeof VerdictModel>;
