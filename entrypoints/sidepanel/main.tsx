import '@/src/ui/theme.css';
import '@/src/ui/engine-status.css';
import '@/src/chat/ui/panel.css';
import { startSidePanel } from '@/src/chat/side-panel';
import { markDocumentLanguage, t } from '@/src/i18n/i18n';

markDocumentLanguage();
document.title = t('extName');

const root = document.getElementById('app');
if (root) void startSidePanel(root);
