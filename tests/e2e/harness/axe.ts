import { createRequire } from 'node:module';
import { AxeBuilder } from '@axe-core/playwright';
import type { AxeResults, Result } from 'axe-core';
import type { Frame, Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE: string = (require('axe-core') as { source: string }).source;

/** WCAG 2.2 A and AA, and axe's best practices. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** axe on one of Glimpse's own pages (popup, Options), with @axe-core/playwright. */
export function axePage(page: Page): Promise<AxeResults> {
  return new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
}

/**
 * axe inside one frame: Glimpse's panels are extension pages framed inside a closed shadow
 * root on a web page, where no page-level run can reach them. axe-core is put into the frame
 * over CDP (as @axe-core/playwright does for frames it can reach) and run on its document.
 */
export async function axeFrame(frame: Frame): Promise<AxeResults> {
  await frame.evaluate(AXE_SOURCE);
  return frame.evaluate(
    (tags) =>
      (
        globalThis as unknown as {
          axe: { run(context: Document, options: object): Promise<AxeResults> };
        }
      ).axe.run(document, { runOnly: { type: 'tag', values: tags } }),
    AXE_TAGS,
  );
}

/** The violations that fail the audit: serious or critical, and every colour-contrast one. */
export function failing(results: AxeResults): { id: string; impact: string; nodes: string[] }[] {
  return results.violations
    .filter(
      (v: Result) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'color-contrast',
    )
    .map((v: Result) => ({
      id: v.id,
      impact: v.impact ?? '',
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`),
    }));
}
