import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as v from 'valibot';
import { describe, expect, test } from 'vitest';
import {
  ComparisonSchema,
  comparison,
  formatSplit,
  freeEntryTools,
  panelShipPercent,
  parseComparison,
  reviewerSplit,
} from '@/src/verdicts/comparison';
import { comparisonSource } from '@/src/verdicts/comparison-source';
import { pricingRead } from '@/src/verdicts/verdict-model';

const seedPath = resolve(import.meta.dirname, '../../fixtures/comparison.seed.txt');
const seed = readFileSync(seedPath, 'utf8');
const seedLines = seed.split('\n');

describe('comparison data', () => {
  test('validates against the schema', () => {
    expect(v.safeParse(ComparisonSchema, comparisonSource).success).toBe(true);
    expect(comparison.tools.map((t) => t.name)).toEqual([
      'SmolVLM2-2B',
      'SkyPilot Research Agents',
    ]);
    expect(comparison.reviews).toHaveLength(8);
  });

  test('the fixture is the shared seed, byte for byte, when the seed is beside the repo', () => {
    const shared = resolve(import.meta.dirname, '../../../../shared/seed/comparison.txt');
    if (!existsSync(shared)) return; // a clone without shared/ beside it has only the fixture
    expect(seed).toBe(readFileSync(shared, 'utf8'));
  });

  test('every shown string is quoted faithfully from the seed', () => {
    const { title, matchup, intro, tools, reviews } = comparison;
    for (const line of [title, matchup, intro]) expect(seedLines).toContain(line);
    for (const tool of tools) {
      for (const field of [
        tool.category,
        tool.name,
        tool.tagline,
        tool.entryPrice,
        tool.description,
      ]) {
        expect(seedLines).toContain(field);
      }
    }
    for (const review of reviews) expect(seedLines).toContain(`“${review.quote}”`);
  });

  test('quotes alternate SmolVLM2, SkyPilot, SmolVLM2, … in seed order', () => {
    const quotedLines = seedLines.filter((l) => l.startsWith('“'));
    expect(comparison.reviews.map((r) => `“${r.quote}”`)).toEqual(quotedLines);
    expect(comparison.reviews.map((r) => r.toolId)).toEqual([
      'smolvlm2-2b',
      'skypilot-research-agents',
      'smolvlm2-2b',
      'skypilot-research-agents',
      'smolvlm2-2b',
      'skypilot-research-agents',
      'smolvlm2-2b',
      'skypilot-research-agents',
    ]);
  });

  test('rejects malformed data with a reason', () => {
    const twins = {
      ...comparisonSource,
      tools: [comparisonSource.tools[0], comparisonSource.tools[0]],
    };
    expect(() => parseComparison(twins)).toThrow('The two tools must be different.');
    const badVerdict = {
      ...comparisonSource,
      reviews: [{ ...comparisonSource.reviews[0], verdict: 'maybe' }],
    };
    expect(() => parseComparison(badVerdict)).toThrow();
    expect(() => parseComparison({ ...comparisonSource, title: '   ' })).toThrow();
  });
});

describe('panel figures are derived from the verdicts', () => {
  test('SmolVLM2 is 100% (4–0) and SkyPilot 50% (2–2), as the seed states', () => {
    expect(panelShipPercent(comparison.reviews, 'smolvlm2-2b')).toBe(100);
    expect(panelShipPercent(comparison.reviews, 'skypilot-research-agents')).toBe(50);
    expect(formatSplit(reviewerSplit(comparison.reviews, 'smolvlm2-2b'))).toBe('4–0');
    expect(formatSplit(reviewerSplit(comparison.reviews, 'skypilot-research-agents'))).toBe('2–2');
    // The seed prints each tool's panel figure two lines after its tagline.
    const statedFor = (name: string) => seedLines[seedLines.indexOf(name) + 2];
    expect(`${panelShipPercent(comparison.reviews, 'smolvlm2-2b')}%`).toBe(
      statedFor('SmolVLM2-2B'),
    );
    expect(`${panelShipPercent(comparison.reviews, 'skypilot-research-agents')}%`).toBe(
      statedFor('SkyPilot Research Agents'),
    );
  });

  test('the figure follows the verdicts when they change', () => {
    const flipped = comparison.reviews.map((r, i) =>
      i === 3 ? { ...r, verdict: 'ship' as const } : r,
    );
    expect(panelShipPercent(flipped, 'skypilot-research-agents')).toBe(75);
    expect(panelShipPercent([], 'smolvlm2-2b')).toBeNull();
  });

  test('pricing read', () => {
    expect(pricingRead(comparison.tools)).toBe('Both have a free entry.');
    const [smol, sky] = comparison.tools;
    if (!smol || !sky) throw new Error('two tools expected');
    expect(freeEntryTools([smol, { ...sky, entryPrice: '$20/mo' }])).toEqual([smol]);
    expect(pricingRead([smol, { ...sky, entryPrice: '$20/mo' }])).toBe(
      'Only SmolVLM2-2B has a free entry.',
    );
    expect(
      pricingRead([
        { ...smol, entryPrice: '$5' },
        { ...sky, entryPrice: '$20/mo' },
      ]),
    ).toBe('Neither has a free entry.');
  });
});
