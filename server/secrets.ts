import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SECRET_FILE_NAME = 'secret';

/**
 * The master secret: GLIMPSE_SECRET, or else a random one created once in the data folder (so
 * a restart keeps every token valid). Several processes must share it: give them all the same
 * GLIMPSE_SECRET, or the same data folder.
 */
export function loadMasterSecret(
  configured: string | undefined,
  dataDir: string,
): { secret: string; source: string } {
  if (configured) return { secret: configured, source: 'GLIMPSE_SECRET' };
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, SECRET_FILE_NAME);
  try {
    // 'wx': if two processes start at once, one writes it and the other reads that one.
    writeFileSync(path, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const secret = readFileSync(path, 'utf8').trim();
  if (secret.length < 32)
    throw new Error(
      `The secret file ${path} is damaged; delete it to make a new one (every token then stops working).`,
    );
  return { secret, source: path };
}

/** Subkeys for each use, so that a token key never doubles as a challenge key. */
export interface ServiceKeys {
  tokens: Buffer;
  challenges: string;
  challengeKeys: string;
}

export function deriveKeys(master: string): ServiceKeys {
  const sub = (label: string) =>
    createHmac('sha256', master).update(`glimpse-votes/${label}`).digest();
  return {
    tokens: sub('tokens'),
    challenges: sub('altcha-challenge').toString('hex'),
    challengeKeys: sub('altcha-key').toString('hex'),
  };
}
