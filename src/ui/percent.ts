/** A whole percentage, or an em dash when there is nothing to count yet. */
export function formatPercent(value: number | null): string {
  return value === null ? '—' : `${value}%`;
}
