import '@/src/ui/theme.css';
import '@/src/ui/engine-status.css';
import '@/src/verdicts/ui/popup.css';
import { render } from 'preact';
import { markDocumentLanguage, t } from '@/src/i18n/i18n';
import { extensionUrl } from '@/src/messaging/extension-url';
import { EngineStatusModel } from '@/src/ui/engine-status-model';
import { comparison } from '@/src/verdicts/comparison';
import { VerdictPopup } from '@/src/verdicts/ui/verdict-popup';
import { VerdictModel } from '@/src/verdicts/verdict-model';
import { createRuntimeVoteClient } from '@/src/verdicts/vote-client';
import { createStorageStatusSource } from '@/src/vlm/status-source';

const model = new VerdictModel(comparison, createRuntimeVoteClient());
const device = new EngineStatusModel(createStorageStatusSource());
markDocumentLanguage();
document.title = t('extName');
const root = document.getElementById('app');
if (root) {
  render(
    <VerdictPopup
      data={comparison}
      model={model}
      device={device}
      optionsUrl={extensionUrl('/options.html')}
    />,
    root,
  );
  // Read by the e2e suite and the README's render-time figure.
  requestAnimationFrame(() => performance.mark('glimpse:popup-rendered'));
}
