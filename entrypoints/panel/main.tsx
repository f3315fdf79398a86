import '@/src/ui/theme.css';
import '@/src/ui/engine-status.css';
import '@/src/chat/ui/panel.css';
import { startPanelFrame } from '@/src/chat/panel-frame';

const root = document.getElementById('app');
if (root) void startPanelFrame(root);
