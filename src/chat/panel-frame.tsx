import DOMPurify from 'dompurify';
import { render } from 'preact';
import { browser } from 'wxt/browser';
import { t } from '@/src/i18n/i18n';
import type { PanelSession } from '@/src/messaging/protocol';
import { sendRequest } from '@/src/messaging/runtime-rpc';
import { copyText } from '@/src/ui/clipboard';
import { loadAnswerLanguage } from './answer-language';
import { createPortTransport } from './ask-transport';
import { ChatModel } from './chat-model';
import { leaveFrameAtEdges } from './focus-order';
import { requestHostAccess } from './host-access';
import { createMarkdownRenderer, type Sanitizer } from './markdown';
import { thumbnailFor } from './thumbnail';
import { ChatPanel } from './ui/chat-panel';

const noSession = (): PanelSession => ({
  tabId: -1,
  srcUrl: '',
  image: null,
  problem: t('chat.lostSession'),
  alt: '',
});

/**
 * The panel, running as Glimpse's own page in a frame on the user's page: the page cannot see
 * its keystrokes, its DOM or its text. It acts only on trusted input inside the frame, and
 * listens to no window messages.
 */
export async function startPanelFrame(root: HTMLElement): Promise<void> {
  performance.mark('glimpse:start');
  const [found, answers] = await Promise.all([
    sendRequest({ type: 'panel/session' }).catch(() => null),
    loadAnswerLanguage(),
  ]);
  const session = found ?? noSession();
  performance.mark('glimpse:session');
  const renderMarkdown = createMarkdownRenderer(DOMPurify as unknown as Sanitizer);
  const model = new ChatModel({
    transport: createPortTransport(),
    image: session.image,
    ...(session.problem ? { problem: session.problem } : {}),
    ...(session.hostAccess ? { hostAccess: session.hostAccess } : {}),
    // An extension page: the user's click in it may ask the browser for host access.
    requestHostAccess: (need) => requestHostAccess(need),
    newId: () => crypto.randomUUID(),
    copy: copyText,
    openSettings: () => void sendRequest({ type: 'options/open' }).catch(() => undefined),
    answerLanguage: answers.language,
  });
  const close = () => {
    model.close();
    void sendRequest({ type: 'panel/close' }).catch(() => window.close());
  };
  // Tab past either end goes on in the page, as if the panel sat right after its image.
  leaveFrameAtEdges(document, (direction) => {
    void sendRequest({ type: 'panel/focus-out', direction }).catch(() => undefined);
  });
  // Chrome only (Firefox has a sidebar, not this API).
  const sidePanel = (
    browser as unknown as { sidePanel?: { open(o: { tabId: number }): Promise<void> } }
  ).sidePanel;
  const continueInSidePanel = () => {
    const handed = model.handOver();
    if (!handed || !sidePanel) return;
    // The click is the user gesture sidePanel.open needs: call it before anything is awaited.
    void sidePanel.open({ tabId: session.tabId }).catch(() => undefined);
    void sendRequest({ type: 'panel/hand-over', ...handed }).then(({ kept }) => {
      if (!kept) return;
      model.close({ keep: true });
      return sendRequest({ type: 'panel/close' });
    });
  };
  const draw = (thumbnailUrl: string) =>
    render(
      <ChatPanel
        model={model}
        thumbnailUrl={thumbnailUrl}
        alt={session.alt}
        renderMarkdown={renderMarkdown}
        onClose={close}
        {...(answers.englishOnlyModel ? { englishOnlyModel: answers.englishOnlyModel } : {})}
        {...(sidePanel && session.tabId >= 0 ? { onContinueInSidePanel: continueInSidePanel } : {})}
      />,
      root,
    );
  draw('');
  performance.mark('glimpse:drawn');
  // Focus goes to the question box, or the close button when it can't be used.
  const first =
    root.querySelector<HTMLElement>('textarea:not([disabled])') ??
    root.querySelector<HTMLElement>('button');
  first?.focus();
  // Read by the e2e suite's open-to-ready figure: the first moment typing lands in the panel
  // (the content script focuses the frame once it has loaded).
  const markReady = () => {
    document.documentElement.dataset.readyAt ??= String(Date.now());
  };
  if (document.hasFocus()) markReady();
  else addEventListener('focus', markReady, { once: true });
  void thumbnailFor(session.image).then((url) => url && draw(url));
}
