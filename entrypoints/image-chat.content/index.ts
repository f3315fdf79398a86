import { setupImageChat } from '@/src/chat/setup-content';

export default defineContentScript({
  matches: ['<all_urls>'],
  allFrames: true,
  matchAboutBlank: true,
  runAt: 'document_idle',
  // No CSS: the panel is an extension page in a frame, so nothing here is web-accessible.
  main(ctx) {
    setupImageChat(ctx);
  },
});
