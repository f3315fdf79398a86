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

const votesWord = (n: number) => `${n} ${n === 1 ? 'vote' : 'votes'}`;

function nameOf(data: Comparison, id: ToolId | null): string | undefined {
  return data.tools.find((t) => t.id === id)?.name;
}

/** The vote line: what the user picked and whether the community tally counts it yet. */
export function voteLine(data: Comparison, state: VoteState | null): string {
  if (!state) return 'Loading your vote…';
  const picked = nameOf(data, state.choice);
  const { sync } = state;
  if (sync.state === 'waiting') {
    const counted = nameOf(data, sync.countedChoice);
    const earlier = counted ? ` They still count your earlier pick, ${counted}.` : '';
    if (picked)
      return `You picked ${picked}. Your vote is waiting to sync: the community figures don't include it yet.${earlier}`;
    return `You withdrew your vote. The withdrawal is waiting to sync.${earlier}`;
  }
  if (!picked) return 'You have not voted yet. Pick the tool you would ship with.';
  if (sync.state === 'counted')
    return `You picked ${picked}. Your vote is counted in the community tally; you can change or withdraw it at any time.`;
  return `You picked ${picked}. You can change or withdraw it at any time.`;
}

/** Why the sync is failing and when it tries again; null while nothing is wrong. */
export function syncProblemLine(state: VoteState | null, formatTime: FormatTime): string | null {
  if (state?.sync.state !== 'waiting' || !state.sync.problem) return null;
  const { problem, nextAttemptAt } = state.sync;
  return nextAttemptAt ? `${problem} Next try: ${formatTime(nextAttemptAt)}.` : problem;
}

/** Where the community figures come from, how many votes, and as of when. */
export function tallyNote(state: VoteState | null, formatTime: FormatTime): string {
  if (!state) return 'Community votes: loading…';
  const total = state.tally?.total ?? 0;
  if (state.sync.state === 'device-only') {
    return state.sync.reason === 'user-choice'
      ? `Community: ${votesWord(total)}, counted on this device only, as you chose in Options.`
      : `Community: ${votesWord(total)}, counted on this device only: this build of Glimpse has no vote service. You can set one in Options.`;
  }
  if (!state.tally)
    return `Community figures appear once Glimpse reaches the vote service at ${state.serviceHost}.`;
  const asOf = state.asOf ? `, as of ${formatTime(state.asOf)}` : '';
  return `Community: ${votesWord(total)} on the Glimpse vote service (${state.serviceHost})${asOf}.`;
}
