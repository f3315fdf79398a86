import type {
  PageActionOutcome,
  PickedImage,
  RequestOf,
  RequestType,
  ResponseFor,
} from '@/src/messaging/protocol';
import type { RequestHandlers } from '@/src/messaging/runtime-rpc';
import type { setupImageMenu } from './setup-background';

/** The manifest's command names (wxt.config.ts). */
export const ASK_COMMAND = 'ask-about-image';

type ImageMenu = Pick<ReturnType<typeof setupImageMenu>, 'openPanel' | 'send'>;

export interface CommandEvents {
  onCommand: { addListener(cb: (command: string, tab?: { id?: number }) => void): void };
}

/** Runs `run` for the tab a manifest command was pressed in (or the current tab). */
export function onCommandInTab(
  commands: CommandEvents,
  name: string,
  currentTab: () => Promise<number | undefined>,
  run: (tabId: number) => Promise<unknown>,
): void {
  commands.onCommand.addListener((command, tab) => {
    if (command !== name) return;
    void (async () => {
      const tabId = tab?.id ?? (await currentTab());
      if (tabId !== undefined) await run(tabId);
    })().catch(() => undefined);
  });
}

export interface KeyboardAskDeps {
  commands: CommandEvents;
  /** The tab the user is looking at (for the popup's button, which is not in a tab). */
  currentTab(): Promise<number | undefined>;
  /** The frame of the tab that has focus (not the top frame), or null. */
  focusedFrame(tabId: number): Promise<{ frameId: number; url: string } | null>;
}

/**
 * Ask without a mouse: the `ask-about-image` command and the popup's button open the panel for
 * the image the user is on (the frame's content script decides which: src/page/images-in-page.ts),
 * or show a short notice when there is none.
 */
export function setupKeyboardAsk(deps: KeyboardAskDeps, menu: ImageMenu) {
  const send = <T extends RequestType>(tabId: number, frameId: number, request: RequestOf<T>) =>
    menu.send(tabId, frameId, request) as Promise<ResponseFor<T>>;

  async function pick(
    tabId: number,
  ): Promise<{ picked: PickedImage; frameId: number; url?: string }> {
    const top = await send(tabId, 0, { type: 'image/pick' });
    if (top.found || !top.focusInFrame) return { picked: top, frameId: 0 };
    // Focus is inside a cross-origin frame: only that frame's content script can see the image.
    const frame = await deps.focusedFrame(tabId);
    if (!frame) return { picked: { found: false }, frameId: 0 };
    return {
      picked: await send(tabId, frame.frameId, { type: 'image/pick' }),
      frameId: frame.frameId,
      url: frame.url,
    };
  }

  /** `notice`: say "no image here" in the page (the popup says it itself). */
  async function askAboutImageIn(tabId: number, notice = true): Promise<PageActionOutcome> {
    let result: Awaited<ReturnType<typeof pick>>;
    try {
      result = await pick(tabId);
    } catch {
      // No content script can run here (the browser's own pages, the web store).
      return 'unavailable';
    }
    const { picked, frameId, url } = result;
    if (!picked.found) {
      if (notice)
        await send(tabId, 0, { type: 'notice/show', notice: 'no-image' }).catch(() => undefined);
      return 'no-image';
    }
    await menu.openPanel(tabId, picked.srcUrl, picked.inspected, { frameId, url });
    return 'opened';
  }

  onCommandInTab(deps.commands, ASK_COMMAND, deps.currentTab, (tabId) => askAboutImageIn(tabId));

  const handlers: Pick<RequestHandlers, 'page/ask-image'> = {
    'page/ask-image': async () => {
      const tabId = await deps.currentTab();
      return { outcome: tabId === undefined ? 'unavailable' : await askAboutImageIn(tabId, false) };
    },
  };
  return { handlers, askAboutImageIn };
}
