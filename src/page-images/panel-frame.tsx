import { render } from 'preact';
import { loadAnswerLanguage } from '@/src/chat/answer-language';
import { createPortTransport } from '@/src/chat/ask-transport';
import { leaveFrameAtEdges } from '@/src/chat/focus-order';
import { PAGE_IMAGE_MAX_TOKENS, PAGE_IMAGE_PROMPT, withAnswerLanguage } from '@/src/chat/prompts';
import { thumbnailFor } from '@/src/chat/thumbnail';
import { plural, t } from '@/src/i18n/i18n';
import { sendRequest } from '@/src/messaging/runtime-rpc';
import { copyText } from '@/src/ui/clipboard';
import { DescribeModel } from './describe-model';
import { defineExposeDescriptionsItem } from './settings';
import { PageImagesPanel } from './ui/page-images-panel';

/**
 * The page-images panel, running as Glimpse's own page in a frame on the user's page. It gets
 * the list from the background, asks the engine over its own port, and sends a description to
 * the page only while "add descriptions to the page" is on.
 */
export async function startPageImagesFrame(root: HTMLElement): Promise<void> {
  const [session, answers] = await Promise.all([
    sendRequest({ type: 'page-images/session' }).catch(() => null),
    loadAnswerLanguage(),
  ]);
  const exposeItem = defineExposeDescriptionsItem();
  const model = new DescribeModel({
    transport: createPortTransport(),
    images: session?.images ?? [],
    read: (index) => sendRequest({ type: 'page-images/read', index }),
    reveal: async (index) => {
      await sendRequest({ type: 'page-images/reveal', index });
    },
    annotate: async (index, text) => {
      await sendRequest({ type: 'page-images/annotate', index, text });
    },
    unannotate: async () => {
      await sendRequest({ type: 'page-images/unannotate' });
    },
    copy: copyText,
    exposeSetting: { get: () => exposeItem.getValue(), set: (on) => exposeItem.setValue(on) },
    thumbnail: thumbnailFor,
    newId: () => crypto.randomUUID(),
    prompt: withAnswerLanguage(PAGE_IMAGE_PROMPT, answers.language),
    maxNewTokens: PAGE_IMAGE_MAX_TOKENS,
    text: {
      progress: (position, total) => t('pageImages.progress', { position, total }),
      finished: (done, total) => plural('pageImages.finished', total, { done }),
      stopped: (done, total) => plural('pageImages.stoppedAt', total, { done }),
      copyFailed: t('pageImages.copyFailed'),
      readFailed: t('pageImages.readFailed'),
    },
  });
  const close = () => {
    model.close();
    void sendRequest({ type: 'panel/close' }).catch(() => window.close());
  };
  // Tab past either end goes on in the page, as if the panel sat right after its image.
  leaveFrameAtEdges(document, (direction) => {
    void sendRequest({ type: 'panel/focus-out', direction }).catch(() => undefined);
  });
  render(
    <PageImagesPanel
      model={model}
      checked={session?.checked ?? 0}
      onClose={close}
      {...(answers.englishOnlyModel ? { englishOnlyModel: answers.englishOnlyModel } : {})}
    />,
    root,
  );
  // Focus goes to the dialog itself, so a screen reader starts with its title.
  root.querySelector<HTMLElement>('[role="dialog"]')?.focus();
  document.documentElement.dataset.readyAt ??= String(Date.now());
  model.start();
}
