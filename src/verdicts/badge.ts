import { t } from '@/src/i18n/i18n';
import { comparison, type ToolId } from './comparison';

export interface Badge {
  text: string;
  color: string;
  title: string;
}

const PICK_BADGES: Record<ToolId, Omit<Badge, 'title'>> = {
  'smolvlm2-2b': { text: 'VLM', color: '#6d28d9' },
  'skypilot-research-agents': { text: 'SKY', color: '#0369a1' },
};

export function badgeForChoice(choice: ToolId | null): Badge {
  if (choice === null) return { text: '', color: '#6b7280', title: t('extName') };
  const tool = comparison.tools.find((candidate) => candidate.id === choice)?.name ?? choice;
  return { ...PICK_BADGES[choice], title: t('verdicts.badgeTitle', { tool }) };
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
