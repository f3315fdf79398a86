import { render } from 'preact';
import { createPortTransport } from '@/src/chat/ask-transport';
import { PAGE_IMAGE_MAX_TOKENS, PAGE_IMAGE_PROMPT } from '@/src/chat/prompts';
import { thumbnailFor } from '@/src/chat/thumbnail';
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
  const session = await sendRequest({ type: 'page-images/session' }).catch(() => null);
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
    prompt: PAGE_IMAGE_PROMPT,
    maxNewTokens: PAGE_IMAGE_MAX_TOKENS,
    text: {
      progress: (position, total) => `Describing image ${position} of ${total}…`,
      finished: (done, total) => `Done: ${done} of ${total} images described.`,
      stopped: (done, total) => `Stopped: ${done} of ${total} images described.`,
      copyFailed: "Glimpse couldn't copy to the clipboard. Select the description and copy it.",
      readFailed: 'Glimpse could not read this image from the page.',
    },
  });
  const close = () => {
    model.close();
    void sendRequest({ type: 'panel/close' }).catch(() => window.close());
  };
  render(<PageImagesPanel model={model} checked={session?.checked ?? 0} onClose={close} />, root);
  // Focus goes to the dialog itself, so a screen reader starts with its title.
  root.querySelector<HTMLElement>('[role="dialog"]')?.focus();
  document.documentElement.dataset.readyAt ??= String(Date.now());
  model.start();
}
