/// <reference types="chrome" />
import { writeFileSync } from 'node:fs';
import type { AxeResults } from 'axe-core';
import type { Frame, Page } from 'playwright-core';
import { afterAll, describe, expect, test } from 'vitest';
import { artifactPath } from './harness/artifacts';
import { axeFrame, axePage, failing } from './harness/axe';
import { describeImagesOf } from './harness/page-images-panel';
import { askGlimpseAbout, PanelPage } from './harness/panel-page';
import { PopupPage } from './harness/popup-page';
import { useReachBrowser } from './harness/reach-suite';

type Scheme = 'light' | 'dark';

const suite = useReachBrowser();
const report: Record<string, unknown> = {};
afterAll(() => {
  writeFileSync(artifactPath('axe-report.json'), `${JSON.stringify(report, null, 2)}\n`);
});

/** The scheme as the page (or frame) itself sees it, so the audit is of the theme asked for. */
const schemeIn = (frame: Page | Frame) =>
  frame.evaluate(() => (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));

function record(name: string, scheme: Scheme, results: AxeResults) {
  const contrast = (list: AxeResults['passes'] | undefined) =>
    list?.find((r) => r.id === 'color-contrast')?.nodes.length ?? 0;
  report[`${name} (${scheme})`] = {
    passes: results.passes?.length ?? null,
    // Elements whose contrast axe measured and passed, and those it could not measure.
    contrastChecked: contrast(results.passes),
    contrastUndetermined: contrast(results.incomplete),
    violations: results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.length,
    })),
  };
}

const SCHEMES: Scheme[] = ['light', 'dark'];

/** Audits one view in both themes: the same page, its prefers-color-scheme switched. */
async function auditBothThemes(name: string, page: Page, frame: Page | Frame = page) {
  const found: Record<string, unknown> = {};
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme });
    expect(await schemeIn(frame)).toBe(scheme);
    const results = 'mainFrame' in frame ? await axePage(frame) : await axeFrame(frame);
    record(name, scheme, results);
    found[scheme] = failing(results);
    await page.screenshot({
      path: artifactPath(`a11y-${name.replaceAll(' ', '-')}-${scheme}.png`),
    });
  }
  expect(found).toEqual({ light: [], dark: [] });
}

describe('axe in light and dark: no serious or critical violations, AA contrast', () => {
  test('the popup', async () => {
    const popup = await PopupPage.open(suite.browser);
    await auditBothThemes('popup', popup.page);
    await popup.close();
  });

  test('Options', async () => {
    const page = await suite.browser.context.newPage();
    await page.goto(`chrome-extension://${suite.browser.extensionId}/options.html`);
    await page.getByRole('heading', { name: 'Glimpse settings' }).waitFor();
    await auditBothThemes('options', page);
    await page.close();
  });

  test('the chat panel, with an answer', async () => {
    const page = await suite.browser.context.newPage();
    await page.goto(suite.site.url('/keyboard'));
    await page.locator('#largest').waitFor();
    await askGlimpseAbout(suite.browser, page, '#largest');
    const panel = await PanelPage.find(page);
    await panel.clickButton('Describe');
    expect((await panel.lastTurn()).state).toBe('done');
    await auditBothThemes('chat panel', page, panel.frame);
    await page.close();
  });

  test('the page-images view, described', async () => {
    const { page, panel } = await describeImagesOf(suite.browser, suite.site.url('/page-images'));
    await auditBothThemes('page-images view', page, panel.frame);
    await page.close();
  });
});
