import { existsSync, readFileSync } from 'node:fs';

export interface LoggedRequest {
  url: string;
  /** The origin that caused it; "not an origin" is Chromium itself (update checks, sign-in). */
  initiator: string;
}

export const BROWSER_INITIATOR = 'not an origin';

/**
 * Every network request Chromium made, read from its net-log (--log-net-log), with the origin
 * that made it. The log sees all contexts, the offscreen document and service worker included.
 */
export function loggedRequests(netLogPath: string): LoggedRequest[] {
  if (!existsSync(netLogPath)) throw new Error(`no net-log at ${netLogPath}`);
  let text = readFileSync(netLogPath, 'utf8').trim();
  // A log cut short at shutdown lacks its closing brackets.
  if (!text.endsWith('}')) text = `${text.replace(/,\s*$/, '')}]}`;
  const log = JSON.parse(text) as {
    events?: { source?: { id?: number }; params?: { url?: string; initiator?: string } }[];
  };
  const bySource = new Map<number, Partial<LoggedRequest>>();
  for (const event of log.events ?? []) {
    const id = event.source?.id;
    const params = event.params;
    if (id === undefined || !params) continue;
    const entry = bySource.get(id) ?? {};
    if (typeof params.url === 'string' && /^(https?|wss?):/.test(params.url))
      entry.url ??= params.url;
    if (typeof params.initiator === 'string') entry.initiator ??= params.initiator;
    bySource.set(id, entry);
  }
  return [...bySource.values()].flatMap((r) =>
    r.url ? [{ url: r.url, initiator: r.initiator ?? BROWSER_INITIATOR }] : [],
  );
}
