import type { Page } from 'playwright-core';

/** What the hostile page's own script saw, read back by the test. */
export interface HostileRecord {
  /** Every event its capture listeners on window and document received, as "type|key|data|value". */
  events: string[];
  /** Every distinct DOM snapshot it took: the whole document, every reachable shadow root and frame. */
  snapshots: string[];
  /** Every mutation it observed: added nodes' HTML, changed attributes, changed text. */
  mutations: string[];
  /** How many mutations it had seen when its load event fired (its own parsing). */
  mutationsAtLoad: number;
  /** What document.activeElement was, each time it changed: "tag" plus any value it exposed. */
  focus: string[];
  /** The fixed chrome-extension:// URLs it tried, and whether each could be read. */
  probes: Record<string, boolean>;
  /** Its own globals that it did not define. */
  strangeGlobals: string[];
}

const WATCHED_EVENTS = [
  'keydown',
  'keyup',
  'keypress',
  'beforeinput',
  'input',
  'textInput',
  'change',
  'compositionstart',
  'compositionupdate',
  'compositionend',
  'copy',
  'cut',
  'paste',
  'focus',
  'blur',
  'focusin',
  'focusout',
  'select',
  'selectionchange',
  'submit',
];

/** Files a page would probe to detect Glimpse, were they web-accessible at a fixed URL. */
export const PROBED_FILES = [
  'panel.html',
  'manifest.json',
  'content-scripts/image-chat.css',
  'content-scripts/image-chat.js',
  'popup.html',
  'options.html',
  'icon/16.png',
];

/**
 * Makes `page` hostile before any of its own content loads: a page script (main world) that
 * listens, watches, polls and probes everything a page can, to catch what Glimpse leaks.
 */
export async function makeHostile(page: Page, extensionId: string): Promise<void> {
  await page.addInitScript(
    ({ extensionId, watched, files }) => {
      const knownGlobals = new Set(Object.keys(window));
      const record = {
        events: [] as string[],
        snapshots: new Set<string>(),
        mutations: [] as string[],
        mutationsAtLoad: -1,
        focus: [] as string[],
        probes: {} as Record<string, boolean>,
        knownGlobals,
      };
      Object.defineProperty(window, '__hostile', { value: record, enumerable: false });
      const describe = (event: Event) => {
        const e = event as Partial<KeyboardEvent & InputEvent & ClipboardEvent>;
        const target = event.target as Partial<HTMLInputElement> | null;
        return [
          event.type,
          e.key ?? '',
          e.data ?? '',
          typeof target?.value === 'string' ? target.value : '',
          e.clipboardData?.getData('text') ?? '',
          (event.target as Element | null)?.localName ?? '',
        ].join('|');
      };
      for (const target of [window, document])
        for (const type of watched)
          target.addEventListener(type, (event) => record.events.push(describe(event)), true);

      new MutationObserver((list) => {
        for (const m of list) {
          for (const node of m.addedNodes)
            record.mutations.push(
              node instanceof Element ? node.outerHTML : (node.textContent ?? ''),
            );
          if (m.type === 'attributes' && m.target instanceof Element)
            record.mutations.push(
              `${m.attributeName}=${m.target.getAttribute(m.attributeName ?? '')}`,
            );
          if (m.type === 'characterData') record.mutations.push(m.target.textContent ?? '');
        }
      }).observe(document, {
        subtree: true,
        childList: true,
        attributes: true,
        characterData: true,
      });

      const snapshot = () => {
        const parts = [document.documentElement.outerHTML, String(getSelection())];
        for (const el of document.querySelectorAll('*')) {
          if (el.shadowRoot) parts.push(el.shadowRoot.innerHTML);
          if (el instanceof HTMLIFrameElement) {
            try {
              parts.push(el.contentDocument?.documentElement.outerHTML ?? '');
            } catch {}
          }
        }
        for (let i = 0; i < window.frames.length; i++) {
          try {
            parts.push(window.frames[i]?.document.documentElement.outerHTML ?? '');
          } catch {}
        }
        record.snapshots.add(parts.join('\n'));
        const active = document.activeElement as (Element & { value?: unknown }) | null;
        const seen = `${active?.localName ?? ''}|${typeof active?.value === 'string' ? active.value : ''}`;
        if (record.focus.at(-1) !== seen) record.focus.push(seen);
      };
      setInterval(snapshot, 5);
      addEventListener('load', () => {
        record.mutationsAtLoad = record.mutations.length;
      });

      // Two classic detections: fetch (no-cors, so even an opaque answer counts) and an
      // image load, which needs no CORS at all. Either one succeeding means "installed".
      for (const file of files) {
        const url = `chrome-extension://${extensionId}/${file}`;
        const byFetch = fetch(url, { mode: 'no-cors' }).then(
          () => true,
          () => false,
        );
        const byImage = new Promise<boolean>((resolve) => {
          const image = new Image();
          image.onload = () => resolve(true);
          image.onerror = () => resolve(false);
          image.src = url;
        });
        void Promise.all([byFetch, byImage]).then(([a, b]) => {
          record.probes[file] = a || b;
        });
      }
    },
    { extensionId, watched: WATCHED_EVENTS, files: PROBED_FILES },
  );
}

export async function hostileRecord(page: Page): Promise<HostileRecord> {
  return page.evaluate(() => {
    const record = (
      window as unknown as {
        __hostile: {
          events: string[];
          snapshots: Set<string>;
          mutations: string[];
          mutationsAtLoad: number;
          focus: string[];
          probes: Record<string, boolean>;
          knownGlobals: Set<string>;
        };
      }
    ).__hostile;
    return {
      events: [...record.events],
      snapshots: [...record.snapshots],
      mutations: [...record.mutations],
      mutationsAtLoad: record.mutationsAtLoad,
      focus: [...record.focus],
      probes: { ...record.probes },
      strangeGlobals: Object.keys(window).filter((k) => !record.knownGlobals.has(k)),
    };
  });
}
