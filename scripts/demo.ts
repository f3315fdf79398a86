// npm run demo: starts the vote service (PGlite in a temp folder), builds the extension pointed
// at it (GLIMPSE_VOTE_SERVICE_URL, into .output/demo), and opens Chromium with it on a local page
// of sample images. Headed when a display exists, else headless with screenshots. The service
// stops when the demo ends.
//   --tiny-model   serve the generated test model from a local mirror (no Hub needed; its
//                  answers are canned: it only proves the pipeline)
//   --headed / --headless   force either mode
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { solveAltcha } from '../src/verdicts/altcha-solver';
import type { ToolId } from '../src/verdicts/comparison';
import { createSyncHttp } from '../src/verdicts/sync-http';
import { setSettings } from '../tests/e2e/harness/engine-env';
import { askGlimpseAbout, PanelPage } from '../tests/e2e/harness/panel-page';
import { TINY_MODEL_ID } from '../tests/fixtures/tiny-smolvlm/generate';
import { MirrorServer } from '../tests/support/mirror-server';
import { ensureTinyModel, MODELS_ROOT } from '../tests/support/tiny-model';
import { launchWithExtension } from './lib/chromium';
import { freePort } from './lib/free-port';
import { paintPng } from './lib/png';
import { type Resource, serveResources } from './lib/static-server';
import { spawnVoteServer, type VoteServerProcess } from './lib/vote-server';

const ROOT = resolve(import.meta.dirname, '..');
const DEMO_EXTENSION_DIR = resolve(ROOT, '.output/demo/chrome-mv3');

/** The vote service on a free loopback port, its data in a temp folder removed afterwards. */
async function startDemoVoteService(): Promise<{ server: VoteServerProcess; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'glimpse-demo-votes-'));
  const server = await spawnVoteServer({
    GLIMPSE_DATA_DIR: dataDir,
    PORT: String(await freePort()),
  });
  return { server, dataDir };
}

function buildAgainst(serviceUrl: string): void {
  execFileSync('npx', ['wxt', 'build'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, GLIMPSE_VOTE_SERVICE_URL: serviceUrl, GLIMPSE_DEMO: '1' },
  });
}

/** Another install votes through the same API the extension uses, so the tally is a community's. */
async function voteFromAnotherDevice(serviceUrl: string, choice: ToolId): Promise<void> {
  const http = createSyncHttp(serviceUrl, (input, init) => fetch(input, init), Date.now);
  const challenge = await http.challenge();
  if (!challenge.ok) throw new Error('The demo vote service gave no sign-up challenge.');
  const joined = await http.register(await solveAltcha(challenge.value));
  if (!joined.ok) throw new Error('The demo vote service refused a sign-up.');
  const { installId, token } = joined.value;
  const synced = await http.sync(token, {
    installId,
    events: [{ id: randomUUID(), at: Date.now(), choice }],
  });
  if (!synced.ok) throw new Error('The demo vote service refused a vote.');
}

const OUTPUT_DIR = resolve(import.meta.dirname, '../demo-output');

function demoResources(): Map<string, Resource> {
  const sunset = paintPng(640, 420, (x, y) => {
    const sun = (x - 420) ** 2 + (y - 250) ** 2 < 70 ** 2;
    if (sun) return [255, 196, 64];
    if (y < 280) return [255 - y / 3, 120 + y / 4, 90 + y / 3];
    return [20, 60 + ((x + y) % 40), 110];
  });
  const checker = paintPng(256, 256, (x, y) =>
    ((x >> 5) + (y >> 5)) % 2 ? [30, 30, 40] : [235, 235, 245],
  );
  const sign = `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="200" viewBox="0 0 480 200">
  <rect width="480" height="200" rx="18" fill="#14532d"/>
  <text x="240" y="95" font-family="sans-serif" font-size="44" fill="#fff" text-anchor="middle">EXIT 42</text>
  <text x="240" y="150" font-family="sans-serif" font-size="26" fill="#d1fae5" text-anchor="middle">Glimpse Avenue · 2 km</text>
</svg>`;
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Glimpse demo: sample images</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 32px; max-width: 900px; }
  figure { display: inline-block; margin: 12px; vertical-align: top; }
  img { max-width: 400px; border-radius: 8px; display: block; }
  figcaption { color: #555; font-size: 14px; }
</style></head>
<body>
  <h1>Glimpse demo</h1>
  <p>Right-click any image and choose <strong>Ask Glimpse about this image</strong>.
     The toolbar popup shows the tool verdicts, your vote, and the model on this device.</p>
  <figure><img id="sunset" src="/images/sunset.png" alt="A drawn sunset over the sea"><figcaption>PNG, 640×420</figcaption></figure>
  <figure><img src="/images/sign.svg" alt="A green road sign"><figcaption>SVG with text</figcaption></figure>
  <figure><img src="/images/checker.png" alt="A checkerboard"><figcaption>PNG, 256×256</figcaption></figure>
</body></html>`;
  return new Map<string, Resource>([
    ['/', { type: 'text/html; charset=utf-8', body: page }],
    ['/images/sunset.png', { type: 'image/png', body: sunset }],
    ['/images/checker.png', { type: 'image/png', body: checker }],
    ['/images/sign.svg', { type: 'image/svg+xml', body: sign }],
  ]);
}

async function main() {
  const args = process.argv.slice(2);
  const headed =
    args.includes('--headed') || (!!process.env.DISPLAY && !args.includes('--headless'));
  const tiny = args.includes('--tiny-model');
  const votes = await startDemoVoteService();
  try {
    await runDemo(headed, tiny, votes.server.url);
  } finally {
    await votes.server.stop();
    rmSync(votes.dataDir, { recursive: true, force: true });
    console.log('Vote service stopped.');
  }
}

async function runDemo(headed: boolean, tiny: boolean, serviceUrl: string) {
  console.log(`Vote service: ${serviceUrl} (PGlite in a temp folder, removed at the end)`);
  buildAgainst(serviceUrl);
  const site = await serveResources(demoResources(), Number(process.env.DEMO_PORT ?? 0));
  let mirror: MirrorServer | null = null;
  const browser = await launchWithExtension({
    headless: !headed,
    extensionDir: DEMO_EXTENSION_DIR,
  });
  if (tiny) {
    ensureTinyModel();
    mirror = await new MirrorServer({ root: MODELS_ROOT }).start();
    await setSettings(browser.serviceWorker, { modelId: TINY_MODEL_ID, remoteHost: mirror.host });
    console.log(`Test model:  ${TINY_MODEL_ID} from a local mirror (${mirror.host})`);
  }
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.goto(`${site.origin}/`);
  const popup = await browser.context.newPage();
  await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
  await popup.getByRole('status').filter({ hasNotText: 'Loading' }).waitFor();

  console.log(`Demo page:   ${site.origin}/`);
  console.log(`Popup:       chrome-extension://${browser.extensionId}/popup.html`);
  console.log(`Options:     chrome-extension://${browser.extensionId}/options.html`);
  if (headed) {
    await page.bringToFront();
    console.log('Chromium is open with Glimpse loaded. Close the browser window to end the demo.');
    await new Promise<void>((done) => browser.context.on('close', () => done()));
  } else {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: resolve(OUTPUT_DIR, 'demo-page.png'), fullPage: true });
    // What a user sees after right-clicking the sunset and pressing "Describe".
    await page.bringToFront();
    // tsx names functions with an esbuild helper that evaluated callbacks carry along.
    await browser.serviceWorker.evaluate('globalThis.__name ??= (fn) => fn');
    await askGlimpseAbout(browser, page, '#sunset');
    const panel = await PanelPage.find(page);
    await panel.clickButton('Describe');
    const turn = await panel.lastTurn(10 * 60_000);
    console.log(
      `Panel:       ${turn.state === 'done' ? `answered "${turn.answer}"` : (turn.error ?? turn.state)}`,
    );
    await page.screenshot({ path: resolve(OUTPUT_DIR, 'panel.png') });
    // A live community tally: this browser votes, another install votes through the same API.
    await popup.bringToFront();
    await popup.reload();
    await popup.getByRole('status').filter({ hasNotText: 'Loading' }).waitFor();
    await popup.getByRole('button', { name: 'Ship with SmolVLM2-2B' }).click();
    await popup.getByRole('status').filter({ hasText: 'counted in the community tally' }).waitFor({
      timeout: 60_000,
    });
    await voteFromAnotherDevice(serviceUrl, 'skypilot-research-agents');
    await new Promise((r) => setTimeout(r, 1_100));
    await popup.reload();
    await popup.getByTestId('tally-note').filter({ hasText: 'Community: 2 votes' }).waitFor();
    console.log(`Votes:       ${await popup.getByTestId('tally-note').textContent()}`);
    await popup.screenshot({ path: resolve(OUTPUT_DIR, 'popup.png'), fullPage: true });
    console.log(`No display, so the demo ran headless. Screenshots are in ${OUTPUT_DIR}/`);
    await browser.dispose();
  }
  await mirror?.stop();
  await site.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
