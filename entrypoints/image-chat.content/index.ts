import '@/src/ui/theme.css';
import '@/src/ui/engine-status.css';
import '@/src/chat/ui/panel.css';
import { setupImageChat } from '@/src/chat/setup-content';

export default defineContentScript({
  matches: ['<all_urls>'],
  allFrames: true,
  matchAboutBlank: true,
  runAt: 'document_idle',
  cssInjectionMode: 'ui',
  main(ctx) {
    setupImageChat(ctx);
  },
});
