import '@/src/ui/theme.css';
import '@/src/verdicts/ui/popup.css';
import { render } from 'preact';
import { comparison } from '@/src/verdicts/comparison';
import { VerdictPopup } from '@/src/verdicts/ui/verdict-popup';
import { VerdictModel } from '@/src/verdicts/verdict-model';
import { createRuntimeVoteClient } from '@/src/verdicts/vote-client';

const model = new VerdictModel(comparison, createRuntimeVoteClient());
const root = document.getElementById('app');
if (root) {
  render(<VerdictPopup data={comparison} model={model} />, root);
  // Read by the e2e suite and the README's render-time figure.
  requestAnimationFrame(() => performance.mark('glimpse:popup-rendered'));
}
