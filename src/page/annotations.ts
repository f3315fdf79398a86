/**
 * "Add descriptions to the page": each finished description becomes a node Glimpse owns, in
 * the image's own document, which the image points at with aria-describedby. The container
 * is `hidden`, so nothing is drawn and a screen reader meets the text only as that image's
 * description (not a second time at the end of the page); the image's name, role and the
 * page's layout stay as they were. Only while the user keeps the setting on: the page can read
 * these nodes.
 */
const CONTAINER = 'glimpse-descriptions';
const originals = new Map<Element, string | null>();
const nodes = new Map<Element, HTMLElement>();
let serial = 0;
const prefix = `glimpse-description-${Math.random().toString(36).slice(2, 8)}`;

function containerIn(doc: Document): HTMLElement {
  let container = doc.querySelector<HTMLElement>(`:scope > ${CONTAINER}`);
  if (!container) {
    container = doc.createElement(CONTAINER);
    container.hidden = true;
    doc.documentElement.append(container);
  }
  return container;
}

/** Offers `text` to assistive technology as the element's description (replacing an earlier one). */
export function addDescription(element: Element, text: string): void {
  let node = nodes.get(element);
  if (!node?.isConnected) {
    node = element.ownerDocument.createElement('span');
    node.id = `${prefix}-${++serial}`;
    containerIn(element.ownerDocument).append(node);
    nodes.set(element, node);
  }
  node.textContent = text;
  if (!originals.has(element)) originals.set(element, element.getAttribute('aria-describedby'));
  const original = originals.get(element);
  element.setAttribute('aria-describedby', original ? `${original} ${node.id}` : node.id);
}

/** Takes every description back out and restores the images' own aria-describedby. */
export function removeDescriptions(): number {
  const count = nodes.size;
  for (const [element, original] of originals) {
    if (original === null) element.removeAttribute('aria-describedby');
    else element.setAttribute('aria-describedby', original);
  }
  for (const node of nodes.values()) {
    const container = node.parentElement;
    node.remove();
    if (container && container.localName === CONTAINER && !container.firstChild) container.remove();
  }
  originals.clear();
  nodes.clear();
  return count;
}
