import { createChallenge, randomInt, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import type { Challenge } from 'altcha-lib/types';
import * as v from 'valibot';

/**
 * ALTCHA proof of work for registrations (altcha-lib v2, deterministic mode): the service picks
 * a counter and signs the key it derives; the client must try every counter up to it, and the
 * service checks the answer with one HMAC. Cost × counter PBKDF2-SHA-256 iterations ≈ 1 s on
 * one core with the defaults (measured in the README).
 */
export const POW_ALGORITHM = 'PBKDF2/SHA-256';

/** The `altcha` field: base64 of the JSON {challenge, solution}, as ALTCHA's widget sends it. */
const PayloadSchema = v.object({
  challenge: v.object({
    parameters: v.looseObject({
      algorithm: v.string(),
      nonce: v.string(),
      salt: v.string(),
      cost: v.number(),
      keyLength: v.number(),
      keyPrefix: v.string(),
    }),
    signature: v.string(),
  }),
  solution: v.object({ counter: v.number(), derivedKey: v.string() }),
});

export type ProofCheck =
  | { ok: true; challengeId: string; expiresAt: Date }
  | { ok: false; reason: 'malformed' | 'expired' | 'invalid' };

export interface ProofOfWorkOptions {
  challengeSecret: string;
  keySecret: string;
  cost: number;
  /** Mean attempts; each challenge's counter is drawn from ½× to 1½× this. */
  attempts: number;
  ttlMs: number;
  now: () => number;
}

export function createProofOfWork(options: ProofOfWorkOptions) {
  const { challengeSecret, keySecret, cost, attempts, ttlMs, now } = options;
  const low = Math.max(1, Math.floor(attempts / 2));
  const high = Math.max(low + 1, Math.ceil((attempts * 3) / 2));

  return {
    challenge(): Promise<Challenge> {
      return createChallenge({
        algorithm: POW_ALGORITHM,
        cost,
        counter: randomInt(high, low),
        deriveKey,
        expiresAt: Math.floor((now() + ttlMs) / 1000),
        hmacSignatureSecret: challengeSecret,
        hmacKeySignatureSecret: keySecret,
      });
    },

    /** Checks a solution; spending it (single use) is the caller's job, in its transaction. */
    async check(altcha: string): Promise<ProofCheck> {
      let decoded: unknown;
      try {
        decoded = JSON.parse(Buffer.from(altcha, 'base64').toString('utf8'));
      } catch {
        return { ok: false, reason: 'malformed' };
      }
      const parsed = v.safeParse(PayloadSchema, decoded);
      if (!parsed.success) return { ok: false, reason: 'malformed' };
      const { challenge, solution } = parsed.output;
      const expiry = challenge.parameters.expiresAt;
      // Challenges made here always expire; one without an expiry was not made here.
      if (typeof expiry !== 'number') return { ok: false, reason: 'invalid' };
      // The signature (checked next) covers the expiry, so it can be trusted once that passes.
      const expired = expiry * 1000 < now();
      try {
        const result = await verifySolution({
          challenge: challenge as Challenge,
          solution,
          deriveKey,
          hmacSignatureSecret: challengeSecret,
          hmacKeySignatureSecret: keySecret,
        });
        if (result.expired || (result.verified && expired)) return { ok: false, reason: 'expired' };
        if (!result.verified) return { ok: false, reason: 'invalid' };
      } catch {
        return { ok: false, reason: 'invalid' };
      }
      return {
        ok: true,
        challengeId: challenge.parameters.nonce,
        expiresAt: new Date(expiry * 1000),
      };
    },
  };
}
export type ProofOfWork = ReturnType<typeof createProofOfWork>;
