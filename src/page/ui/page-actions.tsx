import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { t } from '@/src/i18n/i18n';
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

const outcomeMessage = (outcome: Exclude<PageActionOutcome, 'opened'>) =>
  outcome === 'no-image' ? t('pageActions.noImage') : t('pageActions.unavailable');

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
    else message.value = outcomeMessage(outcome);
  };

  return (
    <section class="page-actions" aria-labelledby="page-actions-heading">
      <h2 id="page-actions-heading">{t('pageActions.heading')}</h2>
      <div class="page-actions-row">
        <button type="button" onClick={() => void run(deps.askAboutImage)}>
          {t('pageActions.ask')}
        </button>
        <button type="button" onClick={() => void run(deps.describeImages)}>
          {t('pageActions.describe')}
        </button>
      </div>
      <p class="fine-print">
        {shortcut.value === null
          ? ''
          : shortcut.value
            ? t('pageActions.shortcut', { shortcut: shortcut.value })
            : t('pageActions.noShortcut')}
      </p>
      {message.value && (
        <p class="error" role="alert">
          {message.value}
        </p>
      )}
    </section>
  );
}
