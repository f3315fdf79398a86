import type { ToolId } from './comparison';

export interface Badge {
  text: string;
  color: string;
  title: string;
}

const PICK_BADGES: Record<ToolId, Badge> = {
  'smolvlm2-2b': { text: 'VLM', color: '#6d28d9', title: 'Glimpse — your pick: SmolVLM2-2B' },
  'skypilot-research-agents': {
    text: 'SKY',
    color: '#0369a1',
    title: 'Glimpse — your pick: SkyPilot Research Agents',
  },
};

const NO_PICK: Badge = { text: '', color: '#6b7280', title: 'Glimpse' };

export function badgeForChoice(choice: ToolId | null): Badge {
  return choice === null ? NO_PICK : PICK_BADGES[choice];
}

/** The slice of `browser.action` the badge needs, so tests can pass the fake browser's. */
export interface BadgeSurface {
  setBadgeText(details: { text: string }): Promise<void>;
  setBadgeBackgroundColor(details: { color: string }): Promise<void>;
  setTitle(details: { title: string }): Promise<void>;
}

export async function showBadge(action: BadgeSurface, badge: Badge): Promise<void> {
  await Promise.all([
    action.setBadgeText({ text: badge.text }),
    action.setBadgeBackgroundColor({ color: badge.color }),
    action.setTitle({ title: badge.title }),
  ]);
}
