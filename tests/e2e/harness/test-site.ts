import { encodeAnimatedGif } from '../../../scripts/lib/gif';
import { paintPng } from '../../../scripts/lib/png';
import {
  type Resource,
  type StaticServer,
  serveResources,
} from '../../../scripts/lib/static-server';

const BRIGHT = paintPng(160, 120, (x, y) => [225 + ((x * y) % 25), 230, 215]);
const DARK = paintPng(140, 180, (x) => [10 + (x % 11), 12, 26]);
const TINY = paintPng(8, 8, () => [240, 240, 240]);
const SVG_BRIGHT = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200" viewBox="0 0 300 200">
  <rect width="300" height="200" fill="#f4f1e8"/><circle cx="150" cy="100" r="40" fill="#ffe08a"/></svg>`;
const NOT_AN_IMAGE = '<!doctype html><html><body>Sorry, this is a web page.</body></html>';

let huge: Buffer | null = null;
/** 6000×4000, generated once per run (it compresses to a few hundred KB). */
function hugePng(): Buffer {
  huge ??= paintPng(6000, 4000, (x, y) =>
    ((x >> 9) + (y >> 9)) % 2 ? [20, 22, 30] : [18, 16, 28],
  );
  return huge;
}

export const IMAGES = { BRIGHT, DARK, TINY };

export interface TestSite {
  pages: StaticServer;
  images: StaticServer;
  url(path: string): string;
  close(): Promise<void>;
}

/** A test page: a heading, the body, and any extra CSS. */
export const page = (title: string, body: string, style = '') =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font:16px sans-serif;margin:24px} img{display:block;margin:12px 0}${style}</style></head>
<body><h1>${title}</h1>${body}</body></html>`;

/**
 * Test pages on one origin and images on another (served without CORS headers), so every
 * cross-origin case is real.
 */
export async function startTestSite(): Promise<TestSite> {
  const imageResources = new Map<string, Resource>([
    ['/bright.png', { type: 'image/png', body: BRIGHT }],
    ['/dark.png', { type: 'image/png', body: DARK }],
    ['/tiny.png', { type: 'image/png', body: TINY }],
    ['/drawing.svg', { type: 'image/svg+xml', body: SVG_BRIGHT }],
    [
      '/animated.gif',
      {
        type: 'image/gif',
        body: encodeAnimatedGif(120, 90, [
          [250, 248, 240],
          [8, 8, 12],
        ]),
      },
    ],
    ['/huge.png', { type: 'image/png', body: hugePng() }],
    ['/not-an-image.png', { type: 'image/png', body: NOT_AN_IMAGE }],
    [
      '/truncated.png',
      { type: 'image/png', body: BRIGHT.subarray(0, Math.floor(BRIGHT.length / 2)) },
    ],
  ]);
  const images = await serveResources(imageResources);
  // The iframe's page lives on the images origin: a cross-origin frame.
  imageResources.set('/frame', {
    type: 'text/html',
    body: page('Inside the frame', `<img id="target" src="${images.origin}/bright.png" alt="">`),
  });
  const img = (path: string) => `${images.origin}${path}`;
  const darkDataUrl = `data:image/png;base64,${DARK.toString('base64')}`;
  const brightBase64 = BRIGHT.toString('base64');
  const pages = await serveResources(
    new Map<string, Resource>([
      [
        '/cross-origin',
        {
          type: 'text/html',
          body: page(
            'Cross-origin',
            `<img id="target" src="${img('/dark.png')}" alt="A dark photo">`,
          ),
        },
      ],
      [
        '/data-url',
        {
          type: 'text/html',
          body: page('Data URL', `<img id="target" src="${darkDataUrl}" alt="">`),
        },
      ],
      [
        '/blob',
        {
          type: 'text/html',
          body: page(
            'Blob URL',
            `<img id="target" alt="made by the page"><script>
              const bytes = Uint8Array.from(atob('${brightBase64}'), c => c.charCodeAt(0));
              document.getElementById('target').src = URL.createObjectURL(new Blob([bytes], { type: 'image/png' }));
            </script>`,
          ),
        },
      ],
      [
        '/srcset',
        {
          type: 'text/html',
          body: page(
            'srcset',
            `<img id="target" src="${img('/bright.png')}" srcset="${img('/dark.png')} 1x, ${img('/bright.png')} 2x" alt="">`,
          ),
        },
      ],
      [
        '/picture',
        {
          type: 'text/html',
          body: page(
            'picture',
            `<picture><source srcset="${img('/dark.png')}" media="(min-width: 1px)"><img id="target" src="${img('/bright.png')}" alt=""></picture>`,
          ),
        },
      ],
      [
        '/svg',
        {
          type: 'text/html',
          body: page('SVG', `<img id="target" src="${img('/drawing.svg')}" alt="">`),
        },
      ],
      [
        '/gif',
        {
          type: 'text/html',
          body: page('Animated GIF', `<img id="target" src="${img('/animated.gif')}" alt="">`),
        },
      ],
      [
        '/huge',
        {
          type: 'text/html',
          body: page('6000×4000', `<img id="target" src="${img('/huge.png')}" width="600" alt="">`),
        },
      ],
      [
        '/tiny',
        {
          type: 'text/html',
          body: page('8×8', `<img id="target" src="${img('/tiny.png')}" alt="">`),
        },
      ],
      [
        '/link',
        {
          type: 'text/html',
          body: page(
            'Image in a link',
            `<button id="before">Before</button><a id="link" href="/somewhere"><img id="target" src="${img('/dark.png')}" alt=""></a><button id="after">After</button>`,
          ),
        },
      ],
      [
        '/iframe',
        {
          type: 'text/html',
          body: page(
            'Image in an iframe',
            `<iframe id="frame" src="${images.origin}/frame" width="500" height="320"></iframe>`,
          ),
        },
      ],
      [
        '/404',
        {
          type: 'text/html',
          body: page(
            'Missing image',
            `<img id="target" src="${img('/missing.png')}" width="100" height="100" alt="">`,
          ),
        },
      ],
      [
        '/not-image',
        {
          type: 'text/html',
          body: page(
            'Not an image',
            `<img id="target" src="${img('/not-an-image.png')}" width="100" height="100" alt="">`,
          ),
        },
      ],
      [
        '/truncated',
        {
          type: 'text/html',
          body: page(
            'Truncated PNG',
            `<img id="target" src="${img('/truncated.png')}" width="100" height="100" alt="">`,
          ),
        },
      ],
      [
        '/narrow',
        {
          type: 'text/html',
          body: page('Narrow window', `<img id="target" src="${img('/bright.png')}" alt="">`),
        },
      ],
    ]),
  );
  return {
    pages,
    images,
    url: (path) => `${pages.origin}${path}`,
    close: async () => {
      await pages.close();
      await images.close();
    },
  };
}
