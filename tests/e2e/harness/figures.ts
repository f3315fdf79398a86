import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { artifactPath } from './artifacts';

/** Measured figures, recorded for the notes and the README, never asserted as timings. */
export function recordFigure(name: string, value: number | string | Record<string, unknown>): void {
  const path = artifactPath('engine-figures.json');
  const figures = existsSync(path)
    ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>)
    : {};
  figures[name] = value;
  writeFileSync(path, `${JSON.stringify(figures, null, 2)}\n`);
}
