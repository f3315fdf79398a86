import type { Frame, Page } from 'playwright-core';

/** A node of Chromium's accessibility tree (CDP Accessibility.AXNode, the fields used here). */
export interface AxNode {
  nodeId: string;
  ignored: boolean;
  role?: { value?: string };
  name?: { value?: string };
  description?: { value?: string };
  childIds?: string[];
  backendDOMNodeId?: number;
  properties?: { name: string; value: { value?: unknown } }[];
}

/**
 * The accessibility tree of a page or frame as assistive technology gets it (closed shadow
 * roots included), through CDP Accessibility.getFullAXTree.
 */
export async function fullAxTree(page: Page, frame?: Frame): Promise<AxNode[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Accessibility.enable');
    const params: { frameId?: string } = {};
    if (frame && frame !== page.mainFrame()) {
      const { frameTree } = (await cdp.send('Page.getFrameTree')) as {
        frameTree: FrameTree;
      };
      const id = findFrameId(frameTree, frame.url());
      if (id) params.frameId = id;
    }
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree', params)) as {
      nodes: AxNode[];
    };
    return nodes;
  } finally {
    await cdp.detach();
  }
}

interface FrameTree {
  frame: { id: string; url: string };
  childFrames?: FrameTree[];
}

function findFrameId(tree: FrameTree, url: string): string | null {
  if (tree.frame.url === url) return tree.frame.id;
  for (const child of tree.childFrames ?? []) {
    const found = findFrameId(child, url);
    if (found) return found;
  }
  return null;
}

/** All the static text under a node, in order. */
export function textUnder(nodes: AxNode[], node: AxNode): string {
  const byId = new Map(nodes.map((n) => [n.nodeId, n]));
  const parts: string[] = [];
  const visit = (n: AxNode) => {
    if (n.role?.value === 'StaticText' && n.name?.value) parts.push(n.name.value);
    for (const id of n.childIds ?? []) {
      const child = byId.get(id);
      if (child) visit(child);
    }
  };
  visit(node);
  return parts.join('');
}

interface DomNode {
  backendNodeId: number;
  attributes?: string[];
  children?: DomNode[];
  shadowRoots?: DomNode[];
  contentDocument?: DomNode;
}

function findById(node: DomNode, id: string): DomNode | null {
  const attrs = node.attributes ?? [];
  for (let i = 0; i < attrs.length; i += 2)
    if (attrs[i] === 'id' && attrs[i + 1] === id) return node;
  for (const child of [
    ...(node.children ?? []),
    ...(node.shadowRoots ?? []),
    ...(node.contentDocument ? [node.contentDocument] : []),
  ]) {
    const found = findById(child, id);
    if (found) return found;
  }
  return null;
}

/**
 * The AX node of the element with this id (in the page, or in the same-origin frame at
 * `frameUrl`), linked through its DOM backend node id.
 */
export async function axNodeForId(
  page: Page,
  elementId: string,
  frameUrl?: string,
): Promise<AxNode | null> {
  const cdp = await page.context().newCDPSession(page);
  let backendNodeId: number | undefined;
  try {
    const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as {
      root: DomNode;
    };
    backendNodeId = findById(root, elementId)?.backendNodeId;
  } finally {
    await cdp.detach();
  }
  if (backendNodeId === undefined) return null;
  const frame = frameUrl ? page.frames().find((f) => f.url() === frameUrl) : undefined;
  const nodes = await fullAxTree(page, frame);
  return nodes.find((n) => n.backendDOMNodeId === backendNodeId) ?? null;
}
