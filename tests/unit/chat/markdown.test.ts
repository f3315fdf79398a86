// @vitest-environment jsdom
import createDOMPurify from 'dompurify';
import { describe, expect, test } from 'vitest';
import { createMarkdownRenderer, type Sanitizer } from '@/src/chat/markdown';

const render = createMarkdownRenderer(createDOMPurify(window) as unknown as Sanitizer);
const dom = (html: string) => {
  const div = document.createElement('div');
  div.innerHTML = html;
  return div;
};

describe('model output is rendered as sanitised markdown', () => {
  test('markdown renders', () => {
    const html = render('**bold** and _it_\n\n- one\n- two\n\n`code`');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<em>it</em>');
    expect(dom(html).querySelectorAll('li')).toHaveLength(2);
    expect(html).toContain('<code>code</code>');
  });

  test('raw HTML is shown as text, never parsed', () => {
    const hostile =
      'Here is <img src=x onerror=alert(1)> and <script>alert(2)</script> <b onclick="x()">b</b>';
    const el = dom(render(hostile));
    expect(el.querySelector('img, script, b')).toBeNull();
    expect(el.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(el.textContent).toContain('<script>alert(2)</script>');
  });

  test('nothing that loads or runs survives: images, iframes, styles, event handlers, js: links', () => {
    const cases = [
      '![tracker](https://evil.example/pixel.png)',
      '[click](javascript:alert(1))',
      '[data](data:text/html,<script>alert(1)</script>)',
      '<iframe src="https://evil.example"></iframe>',
      '<style>body{display:none}</style>',
      '<svg onload=alert(1)><circle/></svg>',
      '<a href="https://ok.example" onmouseover="alert(1)">x</a>',
    ];
    for (const markdown of cases) {
      const el = dom(render(markdown));
      expect(el.querySelector('img, iframe, style, svg, script')).toBeNull();
      for (const node of el.querySelectorAll('*')) {
        for (const attr of node.getAttributeNames())
          expect(['href', 'target', 'rel']).toContain(attr);
      }
      // A dropped javascript: or data: href leaves an inert <a> with no link at all.
      for (const a of el.querySelectorAll('a[href]'))
        expect(a.getAttribute('href') ?? '').toMatch(/^https?:\/\//);
    }
    // The image's text stays readable.
    expect(dom(render('![tracker](https://evil.example/pixel.png)')).textContent).toContain(
      'tracker',
    );
  });

  test('safe links open in a new tab without the opener', () => {
    const a = dom(render('[docs](https://example.com/docs)')).querySelector('a');
    expect(a?.getAttribute('href')).toBe('https://example.com/docs');
    expect(a?.getAttribute('target')).toBe('_blank');
    expect(a?.getAttribute('rel')).toBe('noopener noreferrer nofollow');
  });
});
