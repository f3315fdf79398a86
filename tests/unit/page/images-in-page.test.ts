import { JSDOM } from 'jsdom';
import { describe, expect, test } from 'vitest';
import { imagesInPage, pickImage } from '@/src/page/images-in-page';

type Box = [x: number, y: number, width: number, height: number];

/**
 * A page with a laid-out look: jsdom has no layout, so each element gets the box a browser
 * would give it, and elementsFromPoint answers from those boxes (topmost last in the markup).
 */
function pageWith(html: string, boxes: Record<string, Box>) {
  const dom = new JSDOM(`<!doctype html><body>${html}</body>`, { pretendToBeVisual: true });
  const doc = dom.window.document;
  const rectOf = (el: Element) => {
    const box = boxes[el.id] ?? [0, 0, 0, 0];
    const [x, y, width, height] = box;
    return { x, y, width, height, top: y, left: x, right: x + width, bottom: y + height };
  };
  for (const el of doc.querySelectorAll('*'))
    Object.defineProperty(el, 'getBoundingClientRect', { value: () => rectOf(el) });
  Object.defineProperty(doc, 'elementsFromPoint', {
    value: (px: number, py: number) =>
      [...doc.querySelectorAll('[id]')]
        .filter((el) => {
          const [x, y, w, h] = boxes[el.id] ?? [0, 0, 0, 0];
          return px >= x && px < x + w && py >= y && py < y + h;
        })
        .reverse(),
  });
  Object.defineProperty(dom.window, 'innerWidth', { value: 1000 });
  Object.defineProperty(dom.window, 'innerHeight', { value: 800 });
  return doc;
}

const HTML = `
  <a id="link" href="#"><img id="in-link" alt="in link"></a>
  <img id="small" alt="small">
  <div id="gallery"><img id="under" alt="under"><div id="glass"></div></div>
  <img id="big" alt="big">
  <img id="offscreen" alt="offscreen">`;
const BOXES: Record<string, Box> = {
  link: [0, 0, 120, 90],
  'in-link': [0, 0, 120, 90],
  small: [0, 100, 40, 40],
  gallery: [200, 0, 200, 150],
  under: [200, 0, 200, 150],
  glass: [200, 0, 200, 150],
  big: [0, 200, 400, 300],
  offscreen: [0, 2000, 900, 900],
};
const altOf = (r: ReturnType<typeof pickImage>) =>
  r.kind === 'image' ? `${r.how}:${r.image.element.alt}` : r.kind;

describe('which image the keyboard command means', () => {
  test('the focused link’s image first, even with the pointer elsewhere', () => {
    const doc = pageWith(HTML, BOXES);
    doc.getElementById('link')?.focus();
    expect(altOf(pickImage(doc, { x: 300, y: 50 }))).toBe('focus:in link');
  });

  test('then the image under the pointer, beneath a transparent pane', () => {
    const doc = pageWith(HTML, BOXES);
    expect(altOf(pickImage(doc, { x: 300, y: 50 }))).toBe('pointer:under');
  });

  test('then the largest image on screen, icons and off-screen ones aside', () => {
    const doc = pageWith(HTML, BOXES);
    expect(altOf(pickImage(doc, { x: 900, y: 700 }))).toBe('largest:big');
    expect(altOf(pickImage(doc, null))).toBe('largest:big');
  });

  test('nothing bigger than an icon: none', () => {
    const doc = pageWith('<img id="small" alt="small"><p id="p">text</p>', {
      small: [0, 0, 40, 40],
      p: [0, 50, 300, 20],
    });
    expect(pickImage(doc, { x: 10, y: 60 })).toEqual({ kind: 'none' });
  });

  test('Glimpse’s own elements are never the image, nor the focus', () => {
    const doc = pageWith(
      `${HTML}<glimpse-image-chat id="panel" tabindex="0"><img id="inside" alt="ours"></glimpse-image-chat>`,
      { ...BOXES, panel: [0, 0, 1000, 800], inside: [0, 0, 1000, 800] },
    );
    (doc.getElementById('panel') as HTMLElement).focus();
    expect(altOf(pickImage(doc, { x: 300, y: 50 }))).toBe('pointer:under');
  });

  test('images come in page order, with their boxes', () => {
    const doc = pageWith(HTML, BOXES);
    expect(imagesInPage(doc).map((i) => i.element.alt)).toEqual([
      'in link',
      'small',
      'under',
      'big',
      'offscreen',
    ]);
    const offscreen = imagesInPage(doc).at(-1);
    expect(offscreen?.visible).toBeNull();
    expect(offscreen?.rect).toEqual({ x: 0, y: 2000, width: 900, height: 900 });
  });
});
