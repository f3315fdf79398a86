import { paintPng } from '../../../scripts/lib/png';
import {
  type Resource,
  type StaticServer,
  serveResources,
} from '../../../scripts/lib/static-server';
import { IMAGES, page } from './test-site';

const { BRIGHT, DARK } = IMAGES;
const ICON = paintPng(16, 16, () => [90, 90, 200]);

/** The 12-image page's images, in page order, with what the scan must make of each. */
export interface PageImageCase {
  id: string;
  /** True when it is meaningful and has no useful alt text: Glimpse must describe it. */
  listed: boolean;
  /** Whether the tiny model sees it as bright (its answers differ). */
  bright: boolean;
}

export const PAGE_IMAGES: PageImageCase[] = [
  { id: 'no-alt-1', listed: true, bright: true },
  { id: 'good-alt-1', listed: false, bright: false },
  { id: 'decorative-empty', listed: false, bright: true },
  { id: 'file-name-alt', listed: true, bright: false },
  { id: 'presentation', listed: false, bright: false },
  { id: 'generic-alt', listed: true, bright: true },
  { id: 'icon', listed: false, bright: true },
  { id: 'aria-hidden', listed: false, bright: true },
  { id: 'in-frame', listed: true, bright: false },
  { id: 'good-alt-2', listed: false, bright: true },
  { id: 'hidden', listed: false, bright: false },
  { id: 'no-alt-2', listed: true, bright: false },
];

export interface ReachSite {
  pages: StaticServer;
  images: StaticServer;
  url(path: string): string;
  close(): Promise<void>;
}

/** Pages for the keyboard command and for "describe this page's images"; images cross-origin. */
export async function startReachSite(): Promise<ReachSite> {
  const images = await serveResources(
    new Map<string, Resource>([
      ['/bright.png', { type: 'image/png', body: BRIGHT }],
      ['/dark.png', { type: 'image/png', body: DARK }],
      ['/icon.png', { type: 'image/png', body: ICON }],
      ['/IMG_2041.jpg', { type: 'image/png', body: DARK }],
    ]),
  );
  const img = (path: string) => `${images.origin}${path}`;
  const src = (bright: boolean) => img(bright ? '/bright.png' : '/dark.png');
  const twelve = PAGE_IMAGES.map(({ id, bright }) => {
    const size = 'width="160" height="120"';
    switch (id) {
      case 'good-alt-1':
        return `<img id="${id}" src="${src(bright)}" ${size} alt="A lighthouse at night, its beam over a dark sea">`;
      case 'good-alt-2':
        return `<img id="${id}" src="${src(bright)}" ${size} alt="Sunlit wheat field under a pale sky">`;
      case 'decorative-empty':
        return `<img id="${id}" src="${src(bright)}" ${size} alt="">`;
      case 'file-name-alt':
        return `<img id="${id}" src="${img('/IMG_2041.jpg')}" ${size} alt="IMG_2041.jpg">`;
      case 'presentation':
        return `<img id="${id}" src="${src(bright)}" ${size} role="presentation">`;
      case 'generic-alt':
        return `<img id="${id}" src="${src(bright)}" ${size} alt="photo">`;
      case 'icon':
        return `<img id="${id}" src="${img('/icon.png')}" width="16" height="16">`;
      case 'aria-hidden':
        return `<div aria-hidden="true"><img id="${id}" src="${src(bright)}" ${size}></div>`;
      case 'in-frame':
        return '<iframe id="same-origin-frame" src="/page-images-frame" width="320" height="220"></iframe>';
      case 'hidden':
        return `<img id="${id}" src="${src(bright)}" ${size} style="display:none">`;
      default:
        return `<img id="${id}" src="${src(bright)}" ${size}>`;
    }
  }).join('\n');
  const pages = await serveResources(
    new Map<string, Resource>([
      [
        '/keyboard',
        {
          type: 'text/html',
          body: page(
            'Images to reach by keyboard',
            `<p><a id="link" href="#nowhere"><img id="in-link" src="${img('/dark.png')}" width="140" height="100" alt="dark picture in a link"></a></p>
<img id="focusable" tabindex="0" src="${img('/bright.png')}" width="160" height="120" alt="bright picture you can focus">
<div id="gallery" style="position:relative;width:200px;height:150px">
  <img id="hovered" src="${img('/bright.png')}" width="200" height="150" alt="bright picture under a glass pane">
  <div id="glass" style="position:absolute;inset:0;background:transparent"></div>
</div>
<img id="largest" src="${img('/dark.png')}" width="420" height="300" alt="the largest dark picture">`,
            'body{display:grid;grid-template-columns:repeat(2,max-content);gap:16px}',
          ),
        },
      ],
      [
        '/no-images',
        {
          type: 'text/html',
          body: page(
            'Nothing to look at',
            `<p>Only words here, and an icon: <img src="${img('/icon.png')}" width="16" height="16" alt="" style="display:inline"></p>
<button id="button">A button</button>`,
          ),
        },
      ],
      ['/page-images', { type: 'text/html', body: page('Twelve images', twelve) }],
      [
        '/page-images-frame',
        {
          type: 'text/html',
          body: page(
            'A frame of the same site',
            `<img id="in-frame" src="${img('/dark.png')}" width="160" height="120">`,
            'body{margin:8px} h1{font-size:14px;margin:0}',
          ),
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
