import { type CommandEvents, onCommandInTab } from '@/src/chat/keyboard-ask';
import { t } from '@/src/i18n/i18n';
import type {
  PageActionOutcome,
  PageImagesSession,
  RequestOf,
  RequestType,
  ResponseFor,
} from '@/src/messaging/protocol';
import type { RequestHandlers, SenderInfo } from '@/src/messaging/runtime-rpc';
import { PAGE_IMAGES_PAGE } from './pages';

export const DESCRIBE_COMMAND = 'describe-page-images';
export const PAGE_MENU_ID = 'glimpse-describe-page-images';

export interface PageImagesDeps {
  /** A request to one frame of a tab (content script added first if the tab predates Glimpse). */
  send<T extends RequestType>(
    tabId: number,
    frameId: number,
    request: RequestOf<T>,
  ): Promise<ResponseFor<T>>;
  extensionOrigin: string;
  /** The tab the user is looking at (for the popup, which is not in a tab). */
  currentTab(): Promise<number | undefined>;
  /** "Add descriptions to the page", as stored now. */
  exposeDescriptions(): Promise<boolean>;
  commands: CommandEvents;
}

/** The tab of a request from the page-images panel (Glimpse's page framed in that tab), or null. */
function panelTab(sender: SenderInfo, extensionOrigin: string): number | null {
  if (!sender.url || sender.tab?.id === undefined) return null;
  const url = new URL(sender.url);
  const ours = `${url.protocol}//${url.host}` === extensionOrigin;
  return ours && url.pathname === PAGE_IMAGES_PAGE ? sender.tab.id : null;
}

/**
 * "Describe this page's images" in the background: the popup, the page's context menu and the
 * command scan the tab and open the panel; the panel's requests about the page go to the tab's
 * top frame. Descriptions never pass through here to the page unless the user turned on "add
 * descriptions to the page" (checked here again, not only in the panel).
 */
export function setupPageImages(deps: PageImagesDeps) {
  const sessions = new Map<number, PageImagesSession>();

  async function describeImagesIn(tabId: number): Promise<PageActionOutcome> {
    try {
      const scan = await deps.send(tabId, 0, { type: 'page-images/scan' });
      sessions.set(tabId, { tabId, ...scan });
      await deps.send(tabId, 0, { type: 'page-images/open' });
      return 'opened';
    } catch {
      return 'unavailable';
    }
  }

  onCommandInTab(deps.commands, DESCRIBE_COMMAND, deps.currentTab, describeImagesIn);

  /** Sends a panel's request on to its tab's top frame. */
  const forward =
    <T extends RequestType>(refused: ResponseFor<T>) =>
    async (request: RequestOf<T>, sender: SenderInfo): Promise<ResponseFor<T>> => {
      const tabId = panelTab(sender, deps.extensionOrigin);
      if (tabId === null) return refused;
      return deps.send(tabId, 0, request);
    };

  const handlers: Pick<
    RequestHandlers,
    | 'page/describe-images'
    | 'page-images/session'
    | 'page-images/read'
    | 'page-images/reveal'
    | 'page-images/annotate'
    | 'page-images/unannotate'
  > = {
    'page/describe-images': async () => {
      const tabId = await deps.currentTab();
      return { outcome: tabId === undefined ? 'unavailable' : await describeImagesIn(tabId) };
    },
    'page-images/session': async (_request, sender) => {
      const tabId = panelTab(sender, deps.extensionOrigin);
      return tabId === null ? null : (sessions.get(tabId) ?? null);
    },
    'page-images/read': forward<'page-images/read'>({
      problem: t('common.cantReadPage'),
    }),
    'page-images/reveal': forward<'page-images/reveal'>({ shown: false }),
    'page-images/annotate': async (request, sender) => {
      if (!(await deps.exposeDescriptions())) return { added: false };
      return forward<'page-images/annotate'>({ added: false })(request, sender);
    },
    'page-images/unannotate': forward<'page-images/unannotate'>({ removed: 0 }),
  };

  return {
    handlers,
    describeImagesIn,
    /** The page's context-menu item. */
    menuItem: {
      id: PAGE_MENU_ID,
      title: t('menu.describePage'),
      contexts: ['page'] as ['page'],
      onClick: (tabId: number) => void describeImagesIn(tabId),
    },
    forgetTab: (tabId: number) => sessions.delete(tabId),
  };
}
