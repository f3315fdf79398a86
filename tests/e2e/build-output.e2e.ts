import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { EXTENSION_DIR } from '../../scripts/lib/chromium';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

describe('the production build', () => {
  const files = filesUnder(EXTENSION_DIR);
  const manifest = JSON.parse(readFileSync(join(EXTENSION_DIR, 'manifest.json'), 'utf8')) as {
    permissions: string[];
    host_permissions: string[];
    content_security_policy: { extension_pages: string };
    externally_connectable?: unknown;
    commands?: unknown;
    web_accessible_resources?: unknown;
    cross_origin_embedder_policy?: { value: string };
    cross_origin_opener_policy?: { value: string };
  };

  test('ships onnxruntime-web inside the extension and names no CDN anywhere', () => {
    // Two builds: plain for WASM (fastest there), JSPI for WebGPU. Nothing else.
    const wasm = files.filter((f) => f.endsWith('.wasm')).map((f) => relative(EXTENSION_DIR, f));
    expect(wasm).toHaveLength(2);
    expect(wasm.filter((f) => /ort-wasm-simd-threaded-[\w-]+\.wasm$/.test(f))).toHaveLength(1);
    expect(wasm.filter((f) => /ort-wasm-simd-threaded\.jspi-[\w-]+\.wasm$/.test(f))).toHaveLength(
      1,
    );
    for (const file of wasm)
      expect(statSync(join(EXTENSION_DIR, file)).size).toBeGreaterThan(10_000_000);
    // Each build's loader is a file of its own: its worker threads start from its URL.
    expect(files.filter((f) => /ort-wasm-simd-threaded-[\w-]+\.mjs$/.test(f))).toHaveLength(1);
    expect(files.filter((f) => /ort-wasm-simd-threaded\.jspi-[\w-]+\.mjs$/.test(f))).toHaveLength(
      1,
    );
    expect(files.filter((f) => /asyncify|jsep/.test(f))).toEqual([]);
    const textFiles = files.filter((f) => /\.(js|mjs|html|css|json)$/.test(f));
    expect(textFiles.length).toBeGreaterThan(5);
    const offenders = textFiles.filter((f) =>
      /cdn\.jsdelivr\.net|unpkg\.com|cdnjs\.cloudflare\.com/.test(readFileSync(f, 'utf8')),
    );
    expect(offenders.map((f) => relative(EXTENSION_DIR, f))).toEqual([]);
  });

  test('has the CSP for WebAssembly, minimal permissions, and no external connections', () => {
    expect(manifest.content_security_policy.extension_pages).toBe(
      "script-src 'self' 'wasm-unsafe-eval'; object-src 'self';",
    );
    expect([...manifest.permissions].sort()).toEqual([
      'alarms',
      'contextMenus',
      'offscreen',
      'scripting',
      'sidePanel',
      'storage',
      'unlimitedStorage',
    ]);
    expect(manifest.host_permissions).toEqual(['<all_urls>']);
    // Only the two pages Glimpse frames in tabs (the chat panel, the page-images panel) are
    // web-accessible, and only at a per-session URL: no fixed URL a page could probe (the
    // content script has no CSS file to expose).
    expect(manifest.web_accessible_resources).toEqual([
      {
        resources: ['panel.html', 'page-images.html'],
        matches: ['<all_urls>'],
        use_dynamic_url: true,
      },
    ]);
    expect(files.filter((f) => /content-scripts[/].*\.css$/.test(f))).toEqual([]);
    expect(manifest.externally_connectable).toBeUndefined();
    // The keyboard commands (rebindable at chrome://extensions/shortcuts; README: Accessibility).
    expect(manifest.commands).toEqual({
      'ask-about-image': {
        suggested_key: { default: 'Alt+Shift+G' },
        description: expect.any(String),
      },
      'describe-page-images': {
        suggested_key: { default: 'Alt+Shift+D' },
        description: expect.any(String),
      },
    });
    // Cross-origin isolation, so the offscreen engine may use SharedArrayBuffer threads.
    expect(manifest.cross_origin_embedder_policy).toEqual({ value: 'require-corp' });
    expect(manifest.cross_origin_opener_policy).toEqual({ value: 'same-origin' });
  });
});
