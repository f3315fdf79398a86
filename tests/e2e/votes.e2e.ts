import { afterEach, describe, expect, onTestFinished, test } from 'vitest';
import type { ExtensionBrowser } from '../../scripts/lib/chromium';
import { freePort } from '../../scripts/lib/free-port';
import type { IntegrityReport } from '../../server/db/integrity';
import { solveAltcha } from '../../src/verdicts/altcha-solver';
import { startFaultProxy } from '../support/fault-proxy';
import { artifactPath } from './harness/artifacts';
import { OptionsPage } from './harness/options-page';
import { PopupPage } from './harness/popup-page';
import { useExtensionBrowser } from './harness/suite';
import {
  acknowledgedEvents,
  extensionVotes,
  startTestVoteService,
  type TestVoteService,
} from './harness/vote-service';

const SMOL = 'SmolVLM2-2B';
const SKY = 'SkyPilot Research Agents';
const COUNTED = 'Your vote is counted in the community tally';
const WAITING = 'Your vote is waiting to sync';
/** Each test starts the service (and some restart it): seconds each on a shared 2-core machine. */
const SERVICE_TEST_TIMEOUT_MS = 120_000;

/**
 * Votes synced to the REAL vote service (server/main.ts as a child process, PGlite in a temp
 * folder) from the production build in real Chromium. The default build names no service, so
 * each profile is pointed at the test's service in Options, as a user would.
 */
const suite = useExtensionBrowser();
let service: TestVoteService | null = null;

afterEach(async () => {
  await service?.dispose();
  service = null;
});

async function joinedBrowser(url: string): Promise<ExtensionBrowser> {
  const browser = await suite.launch();
  const options = await OptionsPage.open(browser);
  await options.setVoteService(url);
  await options.page.close();
  return browser;
}

/** Registers an install from the test itself (a proof of work solved here, in Node). */
async function registerDirectly(url: string): Promise<void> {
  const challenge = await (await fetch(`${url}/v1/installs/challenge`)).json();
  const response = await fetch(`${url}/v1/installs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ altcha: await solveAltcha(challenge) }),
  });
  expect(response.status).toBe(201);
}

async function voteAndWaitCounted(popup: PopupPage, tool: string): Promise<void> {
  await popup.voteButton(tool).click();
  await popup.voteStatus.filter({ hasText: COUNTED }).waitFor({ timeout: 20_000 });
}

/**
 * The service's database, checked from its events up: every event stored once, every
 * acknowledged one there, the ballot the newest event, and one SkyPilot ballot counted.
 */
function expectEveryVoteOnce(report: IntegrityReport, storedEvents: number): void {
  expect(report).toMatchObject({
    ok: true,
    storedEvents,
    duplicateEvents: 0,
    lostEvents: 0,
    wrongBallots: 0,
    doubleCounted: 0,
    undercounted: 0,
  });
  expect(report.counters).toEqual({
    counts: { 'smolvlm2-2b': 0, 'skypilot-research-agents': 1 },
    total: 1,
  });
}

const communityOf = async (popup: PopupPage) => [
  await popup.stat(SMOL, 'community').textContent(),
  await popup.stat(SKY, 'community').textContent(),
];

describe('community votes through the real vote service', () => {
  test(
    'two browser profiles vote: each popup shows 2 votes and the split, as of a time; a changed vote moves the tally',
    async () => {
      service = await startTestVoteService();
      const alice = await joinedBrowser(service.url);
      const bob = await joinedBrowser(service.url);

      const alicePopup = await PopupPage.open(alice);
      // Nobody has voted yet: "—", from the service.
      await expect.poll(() => alicePopup.tallyNote.textContent()).toMatch(/^Community: 0 votes on/);
      expect(await communityOf(alicePopup)).toEqual(['—', '—']);
      await voteAndWaitCounted(alicePopup, SMOL);

      const bobPopup = await PopupPage.open(bob);
      await voteAndWaitCounted(bobPopup, SKY);
      await expect.poll(() => communityOf(bobPopup)).toEqual(['50%', '50%']);
      expect(await bobPopup.tallyNote.textContent()).toMatch(
        /^Community: 2 votes on the Glimpse vote service \(127\.0\.0\.1:\d+\), as of \d{1,2}:\d{2}/,
      );

      // Alice's popup, opened again, fetches the tally with Bob's vote in it.
      await alicePopup.close();
      await new Promise((r) => setTimeout(r, 1_100));
      const again = await PopupPage.open(alice);
      await expect.poll(() => again.tallyNote.textContent()).toMatch(/^Community: 2 votes/);
      expect(await communityOf(again)).toEqual(['50%', '50%']);
      expect(await again.stat(SMOL, 'community').getAttribute('title')).toBe(
        '1 of 2 community votes',
      );
      await again.page.screenshot({ path: artifactPath('popup-votes-synced.png'), fullPage: true });

      // Alice changes her vote: her tally moves at once, Bob's on his next open.
      await again.voteButton(SKY).click();
      await expect.poll(() => communityOf(again)).toEqual(['0%', '100%']);
      await again.voteStatus.filter({ hasText: COUNTED }).waitFor();
      expect(await again.tallyNote.textContent()).toMatch(/^Community: 2 votes/);
      await bobPopup.close();
      await new Promise((r) => setTimeout(r, 1_100));
      const bobAgain = await PopupPage.open(bob);
      await expect.poll(() => communityOf(bobAgain)).toEqual(['0%', '100%']);

      // A withdrawal leaves one vote.
      await bobAgain.withdrawButton.click();
      await expect.poll(() => bobAgain.tallyNote.textContent()).toMatch(/^Community: 1 vote on/);
      expect(await communityOf(bobAgain)).toEqual(['0%', '100%']);
    },
    SERVICE_TEST_TIMEOUT_MS,
  );

  test(
    'the service is down while a user votes: "waiting to sync"; it comes back and the vote counts, once',
    async () => {
      service = await startTestVoteService();
      const browser = await joinedBrowser(service.url);
      const popup = await PopupPage.open(browser);
      await voteAndWaitCounted(popup, SMOL);

      await service.stop();
      await popup.voteButton(SKY).click();
      await popup.voteStatus.filter({ hasText: WAITING }).waitFor({ timeout: 20_000 });
      expect(await popup.voteStatus.textContent()).toContain(
        'They still count your earlier pick, SmolVLM2-2B.',
      );
      // The last tally stays on show, and the sentence says what is wrong and what happens next.
      expect(await communityOf(popup)).toEqual(['100%', '0%']);
      await expect
        .poll(() => popup.syncProblem.textContent())
        .toMatch(/can't reach the vote service at 127\.0\.0\.1:\d+\..*Next try: /);
      await popup.page.screenshot({ path: artifactPath('popup-vote-waiting.png'), fullPage: true });

      await service.start();
      // Nobody touches the popup: the retry alarm sends the vote, and the popup follows storage.
      await popup.voteStatus.filter({ hasText: COUNTED }).waitFor({ timeout: 30_000 });
      await expect.poll(() => communityOf(popup)).toEqual(['0%', '100%']);
      expect(await popup.tallyNote.textContent()).toMatch(/^Community: 1 vote on/);
      expect(await popup.syncProblem.count()).toBe(0);

      const votes = await extensionVotes(browser.serviceWorker);
      expectEveryVoteOnce(await service.stopAndCheck(acknowledgedEvents(votes)), 2);
    },
    SERVICE_TEST_TIMEOUT_MS,
  );

  test(
    'SIGKILL in the middle of a sync batch, then a restart: no acknowledged vote lost, none counted twice',
    async () => {
      service = await startTestVoteService();
      // A backlog of 150 vote changes made while this profile had no service (the default build).
      const browser = await suite.launch();
      const popup = await PopupPage.open(browser);
      await popup.page.evaluate(async () => {
        for (let i = 0; i < 150; i++) {
          const choice = i % 2 ? 'skypilot-research-agents' : 'smolvlm2-2b';
          await chrome.runtime.sendMessage({ type: 'votes/cast', choice });
        }
      });
      expect((await extensionVotes(browser.serviceWorker)).ledger.events).toHaveLength(150);

      // Kill the service the moment the second batch (events 101–150) has reached it.
      const killed = new Promise<void>((resolve) => {
        service?.proxy.onForwarded('/v1/sync', (count) => {
          if (count === 2) void service?.kill().then(resolve);
        });
      });
      const options = await OptionsPage.open(browser);
      await options.setVoteService(service.url);
      await killed;
      const atKill = await extensionVotes(browser.serviceWorker);
      const ackedAtKill = acknowledgedEvents(atKill);
      expect(ackedAtKill.length).toBeGreaterThanOrEqual(100);
      expect(ackedAtKill.length).toBeLessThan(150);

      await service.start();
      await popup.voteStatus.filter({ hasText: COUNTED }).waitFor({ timeout: 40_000 });
      const after = await extensionVotes(browser.serviceWorker);
      expect(after.ledger.syncedCount).toBe(150);
      const acknowledged = acknowledgedEvents(after);
      // Those acknowledged before the kill are among them, for the same install.
      expect(acknowledged.slice(0, ackedAtKill.length)).toEqual(ackedAtKill);
      // The last of 150 alternating votes is SkyPilot's.
      expectEveryVoteOnce(await service.stopAndCheck(acknowledged), 150);
    },
    SERVICE_TEST_TIMEOUT_MS,
  );

  test(
    "a 429 from the service's own limit is waited out (Retry-After), and a 503 is retried",
    async () => {
      // One registration per network per 5 s, and this test's own registration just used it.
      service = await startTestVoteService({
        GLIMPSE_REGISTER_LIMIT: '1',
        GLIMPSE_REGISTER_WINDOW_S: '5',
      });
      const browser = await joinedBrowser(service.url);
      const popup = await PopupPage.open(browser);
      await registerDirectly(service.url);
      await popup.voteButton(SKY).click();
      await expect.poll(() => popup.syncProblem.textContent()).toMatch(/busy/);
      const limited = service.proxy.log.find((r) => r.path === '/v1/installs' && r.status === 429);
      expect(limited?.injected).toBe(false);
      const retryAfterMs = Number(limited?.retryAfter) * 1000;
      expect(retryAfterMs).toBeGreaterThan(0);
      await popup.voteStatus.filter({ hasText: COUNTED }).waitFor({ timeout: 30_000 });
      // Nothing was sent again before the service's Retry-After ran out.
      const after = service.proxy.log.filter((r) => r.at > (limited?.at ?? 0));
      expect(after[0]?.path).toBe('/v1/installs/challenge');
      expect((after[0]?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(retryAfterMs - 50);
      expect(after.find((r) => r.path === '/v1/installs')?.status).toBe(201);
      await expect.poll(() => communityOf(popup)).toEqual(['0%', '100%']);

      // A 503 (the proxy answers for the service): kept, said, retried after its Retry-After.
      service.proxy.answerNext('/v1/sync', {
        status: 503,
        code: 'unavailable',
        headers: { 'Retry-After': '1' },
      });
      await popup.voteButton(SMOL).click();
      await expect
        .poll(() => popup.syncProblem.textContent())
        .toMatch(/has a problem \(HTTP 503\)\. Your vote is saved on this device/);
      await popup.voteStatus.filter({ hasText: COUNTED }).waitFor({ timeout: 20_000 });
      await expect.poll(() => communityOf(popup)).toEqual(['100%', '0%']);
      expect(await popup.tallyNote.textContent()).toMatch(/^Community: 1 vote on/);
    },
    SERVICE_TEST_TIMEOUT_MS,
  );

  test(
    'device-only in Options: the service is never contacted',
    async () => {
      // Only the proxy, in front of nothing: any contact at all would show in its log.
      const proxy = await startFaultProxy(`http://127.0.0.1:${await freePort()}`);
      onTestFinished(() => proxy.close());
      const browser = await suite.launch();
      const options = await OptionsPage.open(browser);
      await options.setVoteService(proxy.url);
      await options.setDeviceOnly(true);
      await expect
        .poll(() =>
          browser.serviceWorker.evaluate(async () => {
            const { 'vote-settings': stored } = await chrome.storage.local.get('vote-settings');
            return (stored as { deviceOnly?: boolean } | undefined)?.deviceOnly;
          }),
        )
        .toBe(true);
      expect(
        await options.page.getByText('A sync sends the vote service this install').textContent(),
      ).toContain("this install's id, the tool you picked and when you picked it, nothing else");
      const popup = await PopupPage.open(browser);
      await popup.voteButton(SMOL).click();
      await expect
        .poll(() => popup.tallyNote.textContent())
        .toBe('Community: 1 vote, counted on this device only, as you chose in Options.');
      expect(proxy.log).toEqual([]);
    },
    SERVICE_TEST_TIMEOUT_MS,
  );
});
