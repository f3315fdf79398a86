import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { PageActionOutcome } from '@/src/messaging/protocol';
import { sendRequest } from '@/src/messaging/runtime-rpc';
import './page-actions.css';

export interface PageActionsDeps {
  askAboutImage(): Promise<PageActionOutcome>;
  describeImages(): Promise<PageActionOutcome>;
  /** The shortcut bound to a command now ('' when the user removed it). */
  shortcutOf(command: string): Promise<string>;
  /** Closes the popup once the page took over (focus goes to the panel there). */
  close(): void;
}

const browserDeps: PageActionsDeps = {
  askAboutImage: async () => (await sendRequest({ type: 'page/ask-image' })).outcome,
  describeImages: async () => (await sendRequest({ type: 'page/describe-images' })).outcome,
  shortcutOf: async (command) =>
    (await browser.commands.getAll()).find((c) => c.name === command)?.shortcut ?? '',
  close: () => window.close(),
};

const OUTCOME_MESSAGES: Record<Exclude<PageActionOutcome, 'opened'>, string> = {
  'no-image': 'No image to ask about on this page. Focus an image, or point at one, and try again.',
  unavailable:
    "Glimpse can't work on this page (the browser's own pages and stores are closed to extensions).",
};

/** The popup's "this page" actions: what the keyboard shortcuts do, for a click. */
export function PageActions({ deps = browserDeps }: { deps?: PageActionsDeps }) {
  const message = useSignal<string | null>(null);
  const shortcut = useSignal<string | null>(null);
  useEffect(() => {
    void deps.shortcutOf('ask-about-image').then(
      (s) => {
        shortcut.value = s;
      },
      () => undefined,
    );
  }, [deps, shortcut]);

  const run = async (action: () => Promise<PageActionOutcome>) => {
    message.value = null;
    const outcome = await action().catch((): PageActionOutcome => 'unavailable');
    if (outcome === 'opened') deps.close();
    else message.value = OUTCOME_MESSAGES[outcome];
  };

  return (
    <section class="page-actions" aria-labelledby="page-actions-heading">
      <h2 id="page-actions-heading">On this page</h2>
      <div class="page-actions-row">
        <button type="button" onClick={() => void run(deps.askAboutImage)}>
          Ask about the image I'm on
        </button>
        <button type="button" onClick={() => void run(deps.describeImages)}>
          Describe this page's images
        </button>
      </div>
      <p class="fine-print">
        {shortcut.value === null
          ? ''
          : shortcut.value
            ? `Keyboard: ${shortcut.value} asks about the focused image, else the one under the pointer, else the largest.`
            : 'No keyboard shortcut is set. Choose one at chrome://extensions/shortcuts.'}
      </p>
      {message.value && (
        <p class="error" role="alert">
          {message.value}
        </p>
      )}
    </section>
  );
}
