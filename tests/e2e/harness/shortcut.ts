import type { CDPSession, Page } from 'playwright-core';

const MODIFIERS = {
  Alt: { bit: 1, code: 'AltLeft', keyCode: 18 },
  Control: { bit: 2, code: 'ControlLeft', keyCode: 17 },
  Meta: { bit: 4, code: 'MetaLeft', keyCode: 91 },
  Shift: { bit: 8, code: 'ShiftLeft', keyCode: 16 },
} as const;
type Modifier = keyof typeof MODIFIERS;

/**
 * Presses a browser-level shortcut (an extension command) the way a keyboard does, as far as
 * Chromium's browser process can tell.
 *
 * Playwright's `keyboard.press` cannot: it sends `keyDown` events carrying no native key code,
 * which go to the page and never reach the browser's accelerator table (microsoft/playwright
 * #22447: "Playwright can only automate web content"). What does reach it is CDP
 * `Input.dispatchKeyEvent` with `rawKeyDown` and a native key code: Chromium then treats the
 * key like one from the OS, and the extension keybinding registry, which holds the shortcut
 * chrome://extensions/shortcuts shows, runs the command before the page sees the key (the page
 * sees only the modifier presses, as with a real keyboard). Measured on Chromium 156 headless:
 * without the native key code, or as `keyDown`, the command does not fire. This is a real key
 * path from the browser process on; only the OS keyboard layer is skipped.
 */
export async function pressShortcut(page: Page, shortcut: string): Promise<void> {
  const parts = shortcut.split('+');
  const key = parts.pop();
  if (!key || !/^[A-Z0-9]$/.test(key)) throw new Error(`unsupported shortcut key in ${shortcut}`);
  const modifiers = parts as Modifier[];
  const cdp: CDPSession = await page.context().newCDPSession(page);
  try {
    let held = 0;
    for (const name of modifiers) {
      const m = MODIFIERS[name];
      held |= m.bit;
      await cdp.send('Input.dispatchKeyEvent', {
        type: 'rawKeyDown',
        modifiers: held,
        key: name,
        code: m.code,
        windowsVirtualKeyCode: m.keyCode,
        nativeVirtualKeyCode: m.keyCode,
      });
    }
    const keyCode = key.charCodeAt(0);
    const code = /[0-9]/.test(key) ? `Digit${key}` : `Key${key}`;
    for (const type of ['rawKeyDown', 'keyUp'] as const) {
      await cdp.send('Input.dispatchKeyEvent', {
        type,
        modifiers: held,
        key,
        code,
        windowsVirtualKeyCode: keyCode,
        nativeVirtualKeyCode: keyCode,
      });
    }
    for (const name of [...modifiers].reverse()) {
      const m = MODIFIERS[name];
      held &= ~m.bit;
      await cdp.send('Input.dispatchKeyEvent', {
        type: 'keyUp',
        modifiers: held,
        key: name,
        code: m.code,
        windowsVirtualKeyCode: m.keyCode,
        nativeVirtualKeyCode: m.keyCode,
      });
    }
  } finally {
    await cdp.detach();
  }
}

/**
 * Presses Escape in a Glimpse panel, which closes it. The key goes to the panel's frame, and
 * the frame is removed while Chromium delivers the key: now and then the browser never
 * acknowledges the key-up to Playwright, whose press then waits forever. The press is given a
 * few seconds; the caller checks that the panel closed.
 */
export async function pressEscapeToClose(page: Page): Promise<void> {
  await Promise.race([
    page.keyboard.press('Escape').catch(() => undefined),
    new Promise((resolve) => setTimeout(resolve, 3000)),
  ]);
}
