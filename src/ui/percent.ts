/** A whole percentage formatted by Intl for the UI language, or an em dash with nothing to count. */
export { formatPercent } from '@/src/i18n/i18n';
