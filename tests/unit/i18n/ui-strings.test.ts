import { relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { filesUnder, literalsIn } from './source-text';

/**
 * "No UI string that isn't localised": every text a user can read comes from the messages
 * (src/i18n/locales). This scans the source (the production code, not tests) for text written
 * straight into it: JSX text, UI attributes (aria-label, title, placeholder, alt, label) and any
 * string literal that reads like a sentence. Strings that are not UI text are listed below, each
 * with its reason; src/vlm speaks English by design and is checked against the engine
 * templates instead (engine-text.test.ts).
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const SCANNED = ['src', 'entrypoints'];
const SKIPPED_DIRS = ['src/vlm', 'src/i18n'];
const SKIPPED_FILES = new Map([
  ['src/verdicts/comparison-source.ts', 'the comparison itself (shared/seed), shown as quoted'],
  ['src/chat/prompts.ts', 'prompts for the model, which follows English best'],
  // Imported by the engine's worker, which has no browser.i18n: English, like src/vlm, and
  // shown through the engine templates (engine-text.test.ts).
  ['src/messaging/user-error.ts', 'engine sentence'],
  ['src/messaging/runtime-rpc.ts', 'engine sentence'],
  // Sync problems are stored in English and shown through the same templates.
  ['src/verdicts/vote-sync.ts', 'engine sentence'],
  ['src/verdicts/altcha-solver.ts', 'engine sentence'],
]);
/** Sentences in code that no user reads, by file. */
const NOT_UI: Record<string, string[]> = {
  // Checks on the bundled comparison data: a broken build, never shown.
  'src/verdicts/comparison.ts': [
    'The two tools must be different.',
    'Every tool needs at least one review.',
  ],
};

describe('every UI string is localised', () => {
  const files = SCANNED.flatMap((dir) => filesUnder(resolve(ROOT, dir)))
    .filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => relative(ROOT, f))
    .filter((f) => !SKIPPED_DIRS.some((d) => f.startsWith(`${d}/`)) && !SKIPPED_FILES.has(f));

  test('the scan reads the UI files', () => {
    expect(files).toContain('src/chat/ui/chat-panel.tsx');
    expect(files).toContain('src/settings/options-page.tsx');
    expect(files.length).toBeGreaterThan(40);
  });

  test('no text written straight into the code', () => {
    const offenders = files.flatMap((file) =>
      literalsIn(resolve(ROOT, file))
        .filter((l) => !(NOT_UI[file] ?? []).includes(l.text))
        .map((l) => `${file}: ${l.kind} ${JSON.stringify(l.text)}`),
    );
    expect(offenders).toEqual([]);
  });

  test('the scan finds text when there is some', () => {
    const probe = resolve(import.meta.dirname, 'fixtures/untranslated.tsx');
    expect(literalsIn(probe).map((l) => l.text)).toEqual([
      'Hello there',
      'Close the panel',
      'Something went wrong.',
      'Stop',
    ]);
  });
});
