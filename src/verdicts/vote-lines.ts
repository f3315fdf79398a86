import { localizeEngineText } from '@/src/i18n/engine-text';
import { plural, t } from '@/src/i18n/i18n';
import type { Comparison, ToolId } from './comparison';
import type { VoteState } from './vote-state';

/** The popup's sentences about the user's vote and the community tally, from one VoteState. */

export type FormatTime = (ms: number) => string;

/** "14:05" today, "24 Nov 2026, 14:05" another day, in the user's locale and time zone. */
export function intlTimeFormatter(now: () => number = Date.now, locale?: string): FormatTime {
  const time = new Intl.DateTimeFormat(locale, { timeStyle: 'short' });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  return (ms) => {
    const sameDay = new Date(ms).toDateString() === new Date(now()).toDateString();
    return (sameDay ? time : dateTime).format(ms);
  };
}

function nameOf(data: Comparison, id: ToolId | null): string | undefined {
  return data.tools.find((t) => t.id === id)?.name;
}

/** The vote line: what the user picked and whether the community tally counts it yet. */
export function voteLine(data: Comparison, state: VoteState | null): string {
  if (!state) return t('verdicts.loadingVote');
  const picked = nameOf(data, state.choice);
  const { sync } = state;
  if (sync.state === 'waiting') {
    const counted = nameOf(data, sync.countedChoice);
    const earlier = counted ? ` ${t('verdicts.stillCounted', { tool: counted })}` : '';
    if (picked) return `${t('verdicts.waitingToSync', { tool: picked })}${earlier}`;
    return `${t('verdicts.withdrawalWaiting')}${earlier}`;
  }
  if (!picked) return t('verdicts.notVoted');
  if (sync.state === 'counted') return t('verdicts.counted', { tool: picked });
  return t('verdicts.youPicked', { tool: picked });
}

/** Why the sync is failing and when it tries again; null while nothing is wrong. */
export function syncProblemLine(state: VoteState | null, formatTime: FormatTime): string | null {
  if (state?.sync.state !== 'waiting' || !state.sync.problem) return null;
  const { nextAttemptAt } = state.sync;
  // The background keeps the problem in English; it is shown in the UI language.
  const problem = localizeEngineText(state.sync.problem);
  return nextAttemptAt
    ? `${problem} ${t('verdicts.nextTry', { time: formatTime(nextAttemptAt) })}`
    : problem;
}

/** Where the community figures come from, how many votes, and as of when. */
export function tallyNote(state: VoteState | null, formatTime: FormatTime): string {
  if (!state) return t('verdicts.tallyLoading');
  const total = state.tally?.total ?? 0;
  if (state.sync.state === 'device-only') {
    return state.sync.reason === 'user-choice'
      ? plural('verdicts.tallyDeviceChosen', total)
      : plural('verdicts.tallyNoService', total);
  }
  if (!state.tally) return t('verdicts.tallyUnknown', { host: state.serviceHost ?? '' });
  return state.asOf
    ? plural('verdicts.tallyServiceAsOf', total, {
        host: state.serviceHost ?? '',
        time: formatTime(state.asOf),
      })
    : plural('verdicts.tallyService', total, { host: state.serviceHost ?? '' });
}
