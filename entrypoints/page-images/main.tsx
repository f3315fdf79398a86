import '@/src/ui/theme.css';
import '@/src/ui/engine-status.css';
import '@/src/chat/ui/panel.css';
import '@/src/page-images/ui/page-images.css';
import { markDocumentLanguage, t } from '@/src/i18n/i18n';
import { startPageImagesFrame } from '@/src/page-images/panel-frame';

markDocumentLanguage();
document.title = t('frame.pageImages');

const root = document.getElementById('app');
if (root) void startPageImagesFrame(root);
