import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import type { Challenge } from 'altcha-lib/types';
import type { ToolId } from '../../../src/verdicts/comparison';
import type {
  ErrorResponse,
  RegisterResponse,
  SyncEvent,
  SyncResponse,
  TallyResponse,
} from '../../../src/verdicts/sync-protocol';

/** What a client does, over real HTTP: fetch a challenge, solve it, register, sync. */

export async function solvedAltcha(
  base: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const response = await fetch(`${base}/v1/installs/challenge`, { headers });
  if (response.status !== 200)
    throw new Error(`challenge: ${response.status} ${await response.text()}`);
  const challenge = (await response.json()) as Challenge;
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('The challenge could not be solved.');
  return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
}

export function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export async function register(
  base: string,
  headers: Record<string, string> = {},
): Promise<RegisterResponse> {
  const response = await postJson(
    `${base}/v1/installs`,
    { altcha: await solvedAltcha(base, headers) },
    headers,
  );
  if (response.status !== 201)
    throw new Error(`register: ${response.status} ${await response.text()}`);
  return (await response.json()) as RegisterResponse;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export function sync(
  base: string,
  install: RegisterResponse,
  events: SyncEvent[],
): Promise<Response> {
  return postJson(
    `${base}/v1/sync`,
    { installId: install.installId, events },
    bearer(install.token),
  );
}

export async function syncOk(
  base: string,
  install: RegisterResponse,
  events: SyncEvent[],
): Promise<SyncResponse> {
  const response = await sync(base, install, events);
  if (response.status !== 200) throw new Error(`sync: ${response.status} ${await response.text()}`);
  return (await response.json()) as SyncResponse;
}

export async function tally(base: string): Promise<TallyResponse> {
  const response = await fetch(`${base}/v1/tally`);
  if (response.status !== 200) throw new Error(`tally: ${response.status}`);
  return (await response.json()) as TallyResponse;
}

export async function errorOf(response: Response): Promise<ErrorResponse['error']> {
  return ((await response.json()) as ErrorResponse).error;
}

let sequence = 0;
/** A vote event with a fresh id. */
export function vote(choice: ToolId | null, at: number = Date.now()): SyncEvent {
  sequence += 1;
  return {
    id: `e-${process.pid}-${sequence}-${Math.random().toString(36).slice(2, 8)}`,
    at,
    choice,
  };
}

export const SMOL: ToolId = 'smolvlm2-2b';
export const SKY: ToolId = 'skypilot-research-agents';
