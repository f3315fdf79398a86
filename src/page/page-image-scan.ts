import { type ImageFacts, type ImageVerdict, judgeImage } from '@/src/page-images/alt-text';
import { type ImageInPage, imagesInPage, isRendered } from './images-in-page';

export interface ScannedImage {
  element: HTMLImageElement;
  verdict: ImageVerdict;
  /** Its box in the top frame when scanned. */
  rect: ImageInPage['rect'];
  /** True when it sits in a same-origin frame. */
  inFrame: boolean;
}

/** aria-hidden="true" on the element, around it, or on a frame element around its document. */
function hiddenFromAssistiveTech(element: Element): boolean {
  for (let el: Element | null = element; el; ) {
    if (el.closest('[aria-hidden="true"]')) return true;
    el = el.ownerDocument.defaultView?.frameElement ?? null;
  }
  return false;
}

function labelOf(element: Element): string {
  const label = element.getAttribute('aria-label')?.trim();
  if (label) return label;
  const ids = element.getAttribute('aria-labelledby')?.split(/\s+/).filter(Boolean) ?? [];
  return ids
    .map((id) => element.ownerDocument.getElementById(id)?.textContent?.trim() ?? '')
    .join(' ')
    .trim();
}

export function factsOf(image: ImageInPage): ImageFacts {
  const el = image.element;
  return {
    alt: el.getAttribute('alt'),
    role: el.getAttribute('role'),
    ariaHidden: hiddenFromAssistiveTech(el),
    ariaLabel: labelOf(el),
    title: el.getAttribute('title')?.trim() ?? '',
    src: el.currentSrc || el.src,
    rendered: isRendered(el),
    width: image.rect.width,
    height: image.rect.height,
  };
}

/** Every image of the page and its same-origin frames, in page order, judged. */
export function scanPageImages(doc: Document = document): ScannedImage[] {
  return imagesInPage(doc).map((image) => ({
    element: image.element,
    verdict: judgeImage(factsOf(image)),
    rect: image.rect,
    inFrame: image.element.ownerDocument !== doc,
  }));
}
