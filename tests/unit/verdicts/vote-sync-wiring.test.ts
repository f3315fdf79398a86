import { createChallenge, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { beforeEach, describe, expect, test } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { solveAltcha } from '@/src/verdicts/altcha-solver';
import { alarmScheduler, connectSyncTriggers, SYNC_ALARM } from '@/src/verdicts/setup-background';
import { parseRetryAfter } from '@/src/verdicts/sync-http';
import { defineVoteSettingsItem } from '@/src/verdicts/vote-settings';
import type { SyncTrigger } from '@/src/verdicts/vote-sync';

beforeEach(() => fakeBrowser.reset());

describe('registration proof of work', () => {
  test('solves a challenge made as the service makes them, in the payload the service reads', async () => {
    const challengeSecret = 'challenge-secret';
    const keySecret = 'key-secret';
    // Deterministic mode, as server/proof-of-work.ts: the service knows the answer's key.
    const challenge = await createChallenge({
      algorithm: 'PBKDF2/SHA-256',
      cost: 20,
      counter: 40,
      deriveKey,
      expiresAt: Math.floor(Date.now() / 1000) + 60,
      hmacSignatureSecret: challengeSecret,
      hmacKeySignatureSecret: keySecret,
    });
    // It crosses the network as JSON.
    const altcha = await solveAltcha(JSON.parse(JSON.stringify(challenge)));
    const payload = JSON.parse(Buffer.from(altcha, 'base64').toString('utf8'));
    expect(Object.keys(payload).sort()).toEqual(['challenge', 'solution']);
    expect(payload.solution.counter).toBe(40);
    const result = await verifySolution({
      challenge: payload.challenge,
      solution: payload.solution,
      deriveKey,
      hmacSignatureSecret: challengeSecret,
      hmacKeySignatureSecret: keySecret,
    });
    expect(result.verified).toBe(true);
  });

  test('a puzzle it cannot read or solve is a sentence, not a crash', async () => {
    await expect(solveAltcha({ nope: true })).rejects.toThrow(/can’t read/);
    await expect(
      solveAltcha({
        parameters: { algorithm: 'ARGON2ID', nonce: 'aa', salt: 'bb', keyPrefix: '00', cost: 1 },
      }),
    ).rejects.toThrow(/can’t solve/);
  });
});

describe('sync wiring in the background', () => {
  test('the retry schedule is one named browser alarm', async () => {
    const scheduler = alarmScheduler(fakeBrowser.alarms);
    const when = Date.now() + 60_000;
    await scheduler.wakeAt(when);
    await scheduler.wakeAt(when + 1_000);
    const alarms = await fakeBrowser.alarms.getAll();
    expect(alarms.map((a) => [a.name, a.scheduledTime])).toEqual([[SYNC_ALARM, when + 1_000]]);
    await scheduler.cancel();
    expect(await fakeBrowser.alarms.getAll()).toEqual([]);
  });

  test('alarm, browser startup, install or update, online and settings each start a sync', async () => {
    const kicks: SyncTrigger[] = [];
    const settings = defineVoteSettingsItem();
    let online = () => {};
    connectSyncTriggers((t) => kicks.push(t), {
      alarms: fakeBrowser.alarms,
      onStartup: fakeBrowser.runtime.onStartup,
      onInstalled: fakeBrowser.runtime.onInstalled,
      onOnline: (cb) => {
        online = cb;
      },
      settings,
    });
    expect(kicks).toEqual(['wake']);
    await fakeBrowser.alarms.onAlarm.trigger({
      name: 'someone-else',
      scheduledTime: 0,
      persistAcrossSessions: true,
    });
    await fakeBrowser.alarms.onAlarm.trigger({
      name: SYNC_ALARM,
      scheduledTime: 0,
      persistAcrossSessions: true,
    });
    await fakeBrowser.runtime.onStartup.trigger();
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'update', previousVersion: '0.0.9' });
    online();
    await settings.setValue({ serviceUrl: 'https://votes.example.org', deviceOnly: false });
    await expect.poll(() => kicks.at(-1)).toBe('settings');
    expect(kicks).toEqual(['wake', 'alarm', 'startup', 'startup', 'online', 'settings']);
  });

  test('Retry-After in seconds or as an HTTP date; nonsense is ignored', () => {
    const now = Date.parse('2026-11-24T12:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 12:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
