// Builds nothing itself: scripts/demo.sh builds, then this opens Chromium with the extension
// on a local page of sample images. Headed when a display exists, else headless with screenshots.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { launchWithExtension } from './lib/chromium';
import { paintPng } from './lib/png';
import { type Resource, serveResources } from './lib/static-server';

const OUTPUT_DIR = resolve(import.meta.dirname, '../demo-output');

function demoResources(): Map<string, Resource> {
  const sunset = paintPng(640, 420, (x, y) => {
    const sky = y < 280;
    const sun = (x - 420) ** 2 + (y - 250) ** 2 < 70 ** 2;
    if (sun) return [255, 196, 64];
    if (sky) return [255 - y / 3, 120 + y / 4, 90 + y / 3];
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
     The toolbar popup shows the tool verdicts and your vote.</p>
  <figure><img src="/images/sunset.png" alt="A drawn sunset over the sea"><figcaption>PNG, 640×420</figcaption></figure>
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
  const headed =
    process.argv.includes('--headed') ||
    (!!process.env.DISPLAY && !process.argv.includes('--headless'));
  const site = await serveResources(demoResources(), Number(process.env.DEMO_PORT ?? 0));
  const browser = await launchWithExtension({ headless: !headed });
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.goto(`${site.origin}/`);
  const popup = await browser.context.newPage();
  await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
  await popup.getByRole('status').filter({ hasNotText: 'Loading' }).waitFor();

  console.log(`Demo page:  ${site.origin}/`);
  console.log(`Popup:      chrome-extension://${browser.extensionId}/popup.html`);
  if (headed) {
    await page.bringToFront();
    console.log('Chromium is open with Glimpse loaded. Close the browser window to end the demo.');
    await new Promise<void>((done) => browser.context.on('close', () => done()));
  } else {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: resolve(OUTPUT_DIR, 'demo-page.png'), fullPage: true });
    await popup.screenshot({ path: resolve(OUTPUT_DIR, 'popup.png'), fullPage: true });
    console.log(`No display, so the demo ran headless. Screenshots are in ${OUTPUT_DIR}/`);
    await browser.dispose();
  }
  await site.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
