import * as v from 'valibot';
import { comparisonSource } from './comparison-source';

export const TOOL_IDS = ['smolvlm2-2b', 'skypilot-research-agents'] as const;
export type ToolId = (typeof TOOL_IDS)[number];
export const ToolIdSchema = v.picklist(TOOL_IDS);

const text = v.pipe(v.string(), v.trim(), v.nonEmpty());

const ToolSchema = v.object({
  id: ToolIdSchema,
  category: text,
  name: text,
  tagline: text,
  entryPrice: text,
  description: text,
});

const ReviewSchema = v.object({
  toolId: ToolIdSchema,
  verdict: v.picklist(['ship', 'skip']),
  quote: text,
});

export const ComparisonSchema = v.pipe(
  v.object({
    title: text,
    matchup: text,
    question: text,
    intro: text,
    tools: v.pipe(v.array(ToolSchema), v.length(2)),
    reviews: v.pipe(v.array(ReviewSchema), v.minLength(1)),
  }),
  v.check((c) => c.tools[0]?.id !== c.tools[1]?.id, 'The two tools must be different.'),
  v.check(
    (c) => c.tools.every((tool) => c.reviews.some((r) => r.toolId === tool.id)),
    'Every tool needs at least one review.',
  ),
);

export type Comparison = v.InferOutput<typeof ComparisonSchema>;
export type Tool = Comparison['tools'][number];
export type Review = Comparison['reviews'][number];

export function parseComparison(raw: unknown): Comparison {
  return v.parse(ComparisonSchema, raw);
}

export const comparison: Comparison = parseComparison(comparisonSource);

export interface ReviewerSplit {
  ship: number;
  skip: number;
}

export function reviewerSplit(reviews: readonly Review[], toolId: ToolId): ReviewerSplit {
  const own = reviews.filter((r) => r.toolId === toolId);
  const ship = own.filter((r) => r.verdict === 'ship').length;
  return { ship, skip: own.length - ship };
}

/** Share of reviewers who say ship, rounded to a whole percent; null when nobody reviewed it. */
export function panelShipPercent(reviews: readonly Review[], toolId: ToolId): number | null {
  const { ship, skip } = reviewerSplit(reviews, toolId);
  const total = ship + skip;
  return total === 0 ? null : Math.round((ship / total) * 100);
}

export function formatSplit({ ship, skip }: ReviewerSplit): string {
  return `${ship}–${skip}`;
}

/** The tools with a free entry price, for the popup's pricing read (worded in the UI). */
export function freeEntryTools(tools: readonly Tool[]): readonly Tool[] {
  return tools.filter((t) => /^free$/i.test(t.entryPrice));
}
