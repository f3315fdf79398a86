import { type Challenge, type DeriveKeyFunction, solveChallenge } from 'altcha-lib';
import { deriveKey as derivePbkdf2 } from 'altcha-lib/algorithms/web/pbkdf2';
import { deriveKey as deriveSha } from 'altcha-lib/algorithms/web/sha';
import { UserFacingError } from '@/src/messaging/user-error';

/**
 * Solves the vote service's registration proof of work (ALTCHA v2) with Web Crypto. It runs in
 * the background service worker, off every UI thread; a service worker can't start workers of
 * its own, so it is solved on the worker's thread, which altcha-lib yields every 200 ms.
 */
export type AltchaSolver = (challenge: unknown) => Promise<string>;

const SOLVE_TIMEOUT_MS = 60_000;

function deriveKeyFor(algorithm: string): DeriveKeyFunction | null {
  if (/^SHA-(256|384|512)$/.test(algorithm)) return deriveSha;
  if (/^PBKDF2\/SHA-(256|384|512)$/.test(algorithm)) return derivePbkdf2;
  return null;
}

function isChallenge(value: unknown): value is Challenge {
  if (typeof value !== 'object' || value === null) return false;
  const parameters = (value as { parameters?: unknown }).parameters;
  if (typeof parameters !== 'object' || parameters === null) return false;
  const p = parameters as Record<string, unknown>;
  return (
    typeof p.algorithm === 'string' &&
    typeof p.nonce === 'string' &&
    typeof p.salt === 'string' &&
    typeof p.keyPrefix === 'string' &&
    typeof p.cost === 'number'
  );
}

/** The `altcha` field of `POST /v1/installs`: base64 of JSON {challenge, solution}. */
export const solveAltcha: AltchaSolver = async (challenge) => {
  if (!isChallenge(challenge))
    throw new UserFacingError('The vote service sent a puzzle Glimpse can’t read.');
  const deriveKey = deriveKeyFor(challenge.parameters.algorithm);
  if (!deriveKey)
    throw new UserFacingError('The vote service asked for a puzzle Glimpse can’t solve.');
  const solution = await solveChallenge({ challenge, deriveKey, timeout: SOLVE_TIMEOUT_MS });
  if (!solution) throw new UserFacingError('Glimpse ran out of time joining the vote service.');
  const payload = JSON.stringify({
    challenge: { parameters: challenge.parameters, signature: challenge.signature },
    solution,
  });
  return btoa(payload);
};
