import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * An install's token: `g1.<installId>.<expiresAt>.<signature>`, HMAC-SHA256 with the service's
 * token key. It carries no state: any process with the key can check it, without the database.
 */
const PREFIX = 'g1';

export function newInstallId(): string {
  return randomBytes(16).toString('base64url');
}

export type TokenCheck =
  | { valid: true; installId: string; expiresAt: number; expired: boolean }
  | { valid: false };

export function createTokenSigner(key: Buffer, ttlMs: number, now: () => number) {
  const sign = (installId: string, expiresAt: number) =>
    createHmac('sha256', key).update(`${PREFIX}.${installId}.${expiresAt}`).digest();

  return {
    issue(installId: string): { token: string; expiresAt: number } {
      const expiresAt = now() + ttlMs;
      const signature = sign(installId, expiresAt).toString('base64url');
      return { token: `${PREFIX}.${installId}.${expiresAt}.${signature}`, expiresAt };
    },

    check(token: string): TokenCheck {
      const parts = token.split('.');
      if (parts.length !== 4 || parts[0] !== PREFIX) return { valid: false };
      const [, installId = '', expiry = '', signature = ''] = parts;
      const expiresAt = Number(expiry);
      if (!installId || !/^\d{1,16}$/.test(expiry) || !Number.isSafeInteger(expiresAt)) {
        return { valid: false };
      }
      const given = Buffer.from(signature, 'base64url');
      const expected = sign(installId, expiresAt);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return { valid: false };
      }
      return { valid: true, installId, expiresAt, expired: expiresAt <= now() };
    },
  };
}
export type TokenSigner = ReturnType<typeof createTokenSigner>;
