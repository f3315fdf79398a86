import '@/src/ui/theme.css';
import '@/src/ui/engine-status.css';
import '@/src/chat/ui/panel.css';
import { startPanelFrame } from '@/src/chat/panel-frame';
import { markDocumentLanguage, t } from '@/src/i18n/i18n';

markDocumentLanguage();
document.title = t('frame.chat');

const root = document.getElementById('app');
if (root) void startPanelFrame(root);
