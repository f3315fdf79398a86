import type { Rect } from '@/src/messaging/protocol';

export const PANEL_WIDTH = 380;
export const PANEL_MAX_HEIGHT = 560;
const GAP = 12;
/** Below this viewport width the panel docks to the side instead of floating by the image. */
export const DOCK_BELOW_WIDTH = 720;

export type Placement =
  | { mode: 'anchored'; top: number; left: number; maxHeight: number }
  | { mode: 'docked' };

/**
 * Where the panel goes: beside the image (right, else left), in page coordinates so it scrolls
 * with the image; docked to the side when the window is narrow or the image is unknown.
 */
export function placePanel(
  image: Rect | null,
  viewport: { width: number; height: number; scrollX: number; scrollY: number },
): Placement {
  if (!image || viewport.width < DOCK_BELOW_WIDTH) return { mode: 'docked' };
  const maxHeight = Math.min(PANEL_MAX_HEIGHT, viewport.height - 2 * GAP);
  const fitsRight = image.x + image.width + GAP + PANEL_WIDTH <= viewport.width - GAP;
  const fitsLeft = image.x - GAP - PANEL_WIDTH >= GAP;
  const x = fitsRight
    ? image.x + image.width + GAP
    : fitsLeft
      ? image.x - GAP - PANEL_WIDTH
      : viewport.width - PANEL_WIDTH - GAP;
  const y = Math.min(Math.max(image.y, GAP), viewport.height - maxHeight - GAP);
  return {
    mode: 'anchored',
    left: x + viewport.scrollX,
    top: Math.max(GAP, y) + viewport.scrollY,
    maxHeight,
  };
}

/** An image's rect in the top frame: its rect in its own frame, moved by the iframe's. */
export function offsetBy(inner: Rect, frame: Rect): Rect {
  return { x: frame.x + inner.x, y: frame.y + inner.y, width: inner.width, height: inner.height };
}
