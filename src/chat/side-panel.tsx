import DOMPurify from 'dompurify';
import { render } from 'preact';
import { browser } from 'wxt/browser';
import { t } from '@/src/i18n/i18n';
import { type HandedOverConversation, sidePanelAskPort } from '@/src/messaging/protocol';
import { sendRequest } from '@/src/messaging/runtime-rpc';
import type { RawPort } from '@/src/messaging/typed-port';
import { createPortTransport } from './ask-transport';
import { ChatModel, type ChatModelInstance } from './chat-model';
import { createMarkdownRenderer, type Sanitizer } from './markdown';
import { ChatPanel } from './ui/chat-panel';

/** The hand-over is sent as the side panel opens: ask again briefly if it has not landed yet. */
async function conversationsOf(tabId: number): Promise<HandedOverConversation[]> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const list = await sendRequest({ type: 'sidepanel/conversations', tabId }).catch(() => []);
    if (list.length > 0) return list;
    await new Promise((r) => setTimeout(r, 100));
  }
  return [];
}

/**
 * Chrome's side panel for one tab: the conversations moved here from the in-page panel, newest
 * first, each carried on with the same engine conversation (the image is not read again).
 */
export async function startSidePanel(root: HTMLElement): Promise<void> {
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  const tabId = tab?.id;
  const renderMarkdown = createMarkdownRenderer(DOMPurify as unknown as Sanitizer);
  const list = tabId === undefined ? [] : await conversationsOf(tabId);
  const models = new Map<string, ChatModelInstance>();
  const modelFor = (c: HandedOverConversation) => {
    let model = models.get(c.conversationId);
    if (!model) {
      model = new ChatModel({
        transport: createPortTransport(
          () =>
            browser.runtime.connect({ name: sidePanelAskPort(tabId ?? -1) }) as unknown as RawPort,
        ),
        image: c.image,
        newId: () => crypto.randomUUID(),
        copy: (text) => navigator.clipboard.writeText(text),
        openSettings: () => void browser.runtime.openOptionsPage(),
        resume: { conversationId: c.conversationId, turns: c.turns },
      });
      models.set(c.conversationId, model);
    }
    return model;
  };

  const draw = (selected: HandedOverConversation | undefined) => {
    render(
      <main class="side-panel">
        {list.length === 0 ? (
          <p class="note">{t('sidePanel.empty')}</p>
        ) : (
          <nav aria-label={t('sidePanel.recent')}>
            <ol class="recent">
              {list.map((c, index) => (
                <li key={c.conversationId}>
                  <button
                    type="button"
                    class="small"
                    aria-current={c === selected ? 'true' : undefined}
                    onClick={() => draw(c)}
                  >
                    {c.alt ||
                      c.turns[0]?.label ||
                      c.turns[0]?.question.slice(0, 40) ||
                      t('sidePanel.conversation', { n: index + 1 })}
                  </button>
                </li>
              ))}
            </ol>
          </nav>
        )}
        {selected && (
          <ChatPanel
            model={modelFor(selected)}
            thumbnailUrl={thumbnailOf(selected)}
            alt={selected.alt}
            renderMarkdown={renderMarkdown}
            onClose={() => window.close()}
          />
        )}
      </main>,
      root,
    );
  };
  draw(list[0]);
  root.querySelector<HTMLElement>('textarea:not([disabled])')?.focus();
}

function thumbnailOf(c: HandedOverConversation): string {
  if (c.image?.kind === 'bytes') return `data:${c.image.contentType};base64,${c.image.base64}`;
  return c.image?.kind === 'url' && c.image.url.startsWith('data:') ? c.image.url : '';
}
