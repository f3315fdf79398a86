import type { Frame, Page } from 'playwright-core';

export interface LanguageCheck {
  lang: string;
  /** Visible text and labels that read as English (outside content marked as such). */
  english: string[];
  /** Controls and labels that stick out of the root's box. */
  outside: string[];
  /** Buttons and labels whose text is cut off inside them. */
  clipped: string[];
  rootScrollsSideways: boolean;
  texts: number;
}

/**
 * Looks at a rendered Glimpse page in a non-English UI: its `lang`, any English left in its own
 * text (content — model output, the page's alt text, the quoted comparison — is marked with
 * `data-content` or its own `lang` and skipped), and whether the longer words of the language
 * push anything out of its box or cut a label off.
 */
export function checkLanguageAndFit(
  scope: Page | Frame,
  rootSelector: string,
): Promise<LanguageCheck> {
  return scope.evaluate((selector) => {
    const root = document.querySelector(selector) as HTMLElement;
    const lang = document.documentElement.lang;
    // Words a German, French, Spanish, Japanese or Chinese UI would not contain.
    const ENGLISH =
      /\b(the|and|your|you|this|with|of|to|is|are|not|yet|from|for|image|images|answer|question|questions|vote|votes|settings|device|describe|copy|close|stop|ship|skip|page|here|what|which|when|nothing|loading|running)\b/i;
    // A web address is not language ("https://votes.example.org").
    const isAddress = (text: string) => /^[a-z][\w+.-]*:\/\/\S+$/i.test(text.trim());
    const ownText = (el: Element | null) =>
      !el?.closest('[data-content]') &&
      (el?.closest('[lang]')?.getAttribute('lang') ?? lang) === lang;
    const english: string[] = [];
    let texts = 0;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim() ?? '';
      if (!text || !ownText(node.parentElement)) continue;
      texts++;
      if (!isAddress(text) && ENGLISH.test(text)) english.push(text);
    }
    for (const el of root.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
      if (!ownText(el)) continue;
      for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
        const value = el.getAttribute(name);
        if (value && !isAddress(value) && ENGLISH.test(value)) english.push(`${name}="${value}"`);
      }
    }
    if (ENGLISH.test(document.title)) english.push(`title: ${document.title}`);
    const box = root.getBoundingClientRect();
    const describe = (el: Element) => el.outerHTML.slice(0, 80);
    const outside = [
      ...root.querySelectorAll('button, input, textarea, select, label, h1, h2, p, li'),
    ]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && (r.left < box.left - 0.5 || r.right > box.right + 0.5);
      })
      .map(describe);
    // Visually hidden text (.sr-only) is a 1-px box on purpose.
    const clipped = [...root.querySelectorAll('button, label, legend, summary, dt, dd')]
      .filter((el) => !el.classList.contains('sr-only'))
      .filter((el) => (el as HTMLElement).scrollWidth > (el as HTMLElement).clientWidth + 1)
      .map(describe);
    return {
      lang,
      english,
      outside,
      clipped,
      rootScrollsSideways: root.scrollWidth > root.clientWidth + 1,
      texts,
    };
  }, rootSelector);
}
