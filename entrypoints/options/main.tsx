import '@/src/ui/theme.css';
import '@/src/settings/options.css';
import { render } from 'preact';
import { markDocumentLanguage, t } from '@/src/i18n/i18n';
import { OptionsModel } from '@/src/settings/options-model';
import { OptionsPage } from '@/src/settings/options-page';
import {
  buildServiceUrl,
  defineVoteSettingsItem,
  readVoteSettings,
} from '@/src/verdicts/vote-settings';
import { probeWebGpu } from '@/src/vlm/backend';
import { defineSettingsItem, readSettings } from '@/src/vlm/settings';

const item = defineSettingsItem();
const votes = defineVoteSettingsItem();
const gpu = (navigator as Navigator & { gpu?: Parameters<typeof probeWebGpu>[0] }).gpu;
const model = new OptionsModel({
  load: () => readSettings(item),
  save: (settings) => item.setValue(settings),
  caches,
  probeGpu: () => probeWebGpu(gpu),
  confirm: (question) => window.confirm(question),
  votes: {
    load: () => readVoteSettings(votes),
    save: (settings) => votes.setValue(settings),
    defaultServiceUrl: buildServiceUrl(import.meta.env.GLIMPSE_VOTE_SERVICE_URL),
  },
});
markDocumentLanguage();
document.title = t('options.pageTitle');
const root = document.getElementById('app');
if (root) render(<OptionsPage model={model} />, root);
