import { resolve } from 'node:path';
import preact from '@preact/preset-vite';
import { defaultClientConditions, type Plugin } from 'vite';
import { defineConfig } from 'wxt';

const REMOTE_CODE_HOSTS = ['cdn.jsdelivr.net', 'unpkg.com', 'cdnjs.cloudflare.com'];

/**
 * MV3 forbids remote code. transformers.js points onnxruntime-web at a CDN unless told
 * otherwise; Glimpse always tells it otherwise (wasmPaths), and this plugin removes the CDN
 * default from the bundle and fails the build if any CDN address is left in it.
 */
function noRemoteCode(): Plugin {
  return {
    name: 'glimpse:no-remote-code',
    transform(code, id) {
      if (!id.includes('@huggingface/transformers') || !code.includes('cdn.jsdelivr.net'))
        return null;
      return code.replace(
        /`https:\/\/cdn\.jsdelivr\.net\/npm\/onnxruntime-web@\$\{[^}]+\}\/dist\/`/g,
        '`/ort/`',
      );
    },
    generateBundle(_options, bundle) {
      for (const [name, output] of Object.entries(bundle)) {
        const text = output.type === 'chunk' ? output.code : '';
        const host = REMOTE_CODE_HOSTS.find((h) => text.includes(h));
        if (host)
          this.error(`${name} still refers to ${host}: MV3 extensions must not load remote code.`);
      }
    },
  };
}

const ORT_API = {
  plain: 'onnxruntime-web/wasm',
  jspi: 'onnxruntime-web/jspi',
} as const;

/**
 * transformers.js imports onnxruntime-web's asyncify build ("onnxruntime-web/webgpu"), about 2×
 * slower per decode step than the plain build on WASM and than JSPI on WebGPU. Importing
 * `@huggingface/transformers?ort=plain` (or `=jspi`) gives a copy of it bound to that build
 * instead; src/vlm/ort-runtime.ts loads the one the backend needs.
 */
function transformersOnOrtBuild(): Plugin {
  const variant = /^@huggingface\/transformers\?ort=(plain|jspi)$/;
  return {
    name: 'glimpse:transformers-ort-build',
    enforce: 'pre',
    async resolveId(source, importer) {
      const build = variant.exec(source)?.[1];
      if (!build) return null;
      const resolved = await this.resolve('@huggingface/transformers', importer, {
        skipSelf: true,
      });
      return resolved ? `${resolved.id}?ort=${build}` : null;
    },
    transform(code, id) {
      const build = /@huggingface\/transformers.*\?ort=(plain|jspi)$/.exec(id)?.[1] as
        | keyof typeof ORT_API
        | undefined;
      if (!build) return null;
      const from = 'from "onnxruntime-web/webgpu"';
      if (!code.includes(from))
        this.error('transformers.js no longer imports onnxruntime-web/webgpu');
      return code.replace(from, `from "${ORT_API[build]}"`);
    },
  };
}

/**
 * Firefox needs an id for MV3 (storage, temporary installs, the e2e's fixed UUID).
 * 128 is the oldest ESR still supported, and has everything Glimpse uses: MV3 event pages (109),
 * `scripting` and `wasm-unsafe-eval` (102), runtime.getContexts (124), and MV3 host permissions
 * granted at install (127) rather than left for the user to find.
 */
const FIREFOX_SETTINGS = {
  gecko: { id: 'glimpse@glimpse.example', strict_min_version: '128.0' },
};

/**
 * `npm run bench` builds the same extension plus one unlisted page that runs the reference
 * transformers.js flow beside Glimpse's engine. It goes to its own folder and never ships.
 */
const BENCH_BUILD = process.env.GLIMPSE_BENCH === '1';
/** `npm run demo` builds against its own local vote service, into its own folder. */
const DEMO_BUILD = process.env.GLIMPSE_DEMO === '1';

/**
 * The vote service this build syncs with, from GLIMPSE_VOTE_SERVICE_URL (e.g.
 * https://votes.example.org). Without it the build is device-only until the user names a
 * service in Options. A value that isn't an http(s) address fails the build, not the user.
 */
function voteServiceUrlFromEnv(value: string | undefined): string {
  if (!value) return '';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`GLIMPSE_VOTE_SERVICE_URL is not a web address: ${value}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`GLIMPSE_VOTE_SERVICE_URL must start with https:// or http://, not ${value}`);
  return url.href;
}
const VOTE_SERVICE_URL = voteServiceUrlFromEnv(process.env.GLIMPSE_VOTE_SERVICE_URL);

export default defineConfig({
  // All UI text: src/i18n/locales/<locale>.json → _locales/<locale>/messages.json (src/i18n/).
  modules: ['@wxt-dev/i18n/module'],
  i18n: { localesDir: resolve(import.meta.dirname, 'src/i18n/locales') },
  ...(BENCH_BUILD ? { outDir: '.output/bench' } : DEMO_BUILD ? { outDir: '.output/demo' } : {}),
  hooks: {
    'entrypoints:found': (_wxt, infos) => {
      if (!BENCH_BUILD) return;
      infos.push({
        name: 'bench',
        inputPath: resolve(import.meta.dirname, 'bench/reference-page/index.html'),
        type: 'unlisted-page',
      });
    },
  },
  vite: () => ({
    plugins: [preact(), transformersOnOrtBuild(), noRemoteCode()],
    define: { 'import.meta.env.GLIMPSE_VOTE_SERVICE_URL': JSON.stringify(VOTE_SERVICE_URL) },
    build: { chunkSizeWarningLimit: 2000 },
    // The engine's worker (entrypoints/offscreen/engine-worker.ts) loads transformers.js on the
    // ORT build its backend needs, by dynamic import: that takes an ES-module worker.
    worker: { format: 'es', plugins: () => [transformersOnOrtBuild(), noRemoteCode()] },
    // onnxruntime-web's API modules without a .wasm baked in: Glimpse ships exactly the builds
    // it loads (src/vlm/ort-runtime.ts), not every build a bundled entry would pull in.
    resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
  }),
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    ...(browser === 'firefox' ? { browser_specific_settings: FIREFOX_SETTINGS } : {}),
    permissions: [
      'storage', // votes, settings, engine status
      'unlimitedStorage', // the downloaded model (hundreds of MB) in the Cache API
      // Chrome: the engine's page, created on demand. Firefox has no offscreen API: the engine
      // runs in a frame of the background event page instead (src/vlm/hosts/).
      ...(browser === 'firefox' ? [] : ['offscreen']),
      'contextMenus', // "Ask Glimpse about this image" (Firefox's `menus`, same API)
      'scripting', // adds the panel to tabs opened before Glimpse was installed
      // Retries a vote sync that failed (offline, service down) even after the worker slept.
      'alarms',
      // "Continue in side panel": a conversation moves out of the page into Chrome's side panel.
      ...(browser === 'firefox' ? [] : ['sidePanel']),
    ],
    // Reading images from any site (cross-origin, no CORS) and model files from a mirror the
    // user names. The content script already runs on every page, so this adds no new warning.
    // Firefox shows it at install and lets the user withdraw it: the panel then asks again.
    host_permissions: ['<all_urls>'],
    // Cross-origin isolation gives extension pages SharedArrayBuffer: onnxruntime-web's WASM
    // backend can then run on every core instead of one. Chrome only: Firefox has no such keys
    // (it warns about them) and its add-on pages are never cross-origin isolated: one thread.
    ...(browser === 'firefox'
      ? {}
      : {
          cross_origin_embedder_policy: { value: 'require-corp' },
          cross_origin_opener_policy: { value: 'same-origin' },
        }),
    content_security_policy: {
      // WebAssembly for onnxruntime-web; scripts only from the extension itself.
      extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self';",
    },
    action: { default_title: '__MSG_extName__' },
    // Rebindable at chrome://extensions/shortcuts (Firefox: about:addons → Manage Extension
    // Shortcuts). Chrome's accelerator table uses Alt+Shift only with A, B, I and T; Ctrl+Shift
    // with a letter is mostly taken by Chrome and Firefox; Ctrl+Alt is AltGr on many keyboards
    // (Chrome refuses it); screen readers use Insert/CapsLock or Ctrl+Option. README
    // "Accessibility" has the whole reasoning and the costs.
    commands: {
      'ask-about-image': {
        suggested_key: { default: 'Alt+Shift+G' },
        description: '__MSG_command_ask__',
      },
      // Alt+Shift+D ("describe"): not in Chrome's table either (Alt+D alone is the address bar).
      'describe-page-images': {
        suggested_key: { default: 'Alt+Shift+D' },
        description: '__MSG_command_describe__',
      },
    },
    // Only the panel's page may be framed by web pages, and only at a per-session URL, so a page
    // cannot probe a fixed chrome-extension:// address to learn that Glimpse is installed.
    web_accessible_resources: [
      {
        resources: ['panel.html', 'page-images.html'],
        matches: ['<all_urls>'],
        use_dynamic_url: true,
      },
    ],
  }),
});
