import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAst } from 'rolldown/parseAst';

/** Reading the source for text: the parser Vite builds with (rolldown's oxc), on TS and TSX. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

const UI_ATTRIBUTES = new Set([
  'aria-label',
  'title',
  'placeholder',
  'alt',
  'label',
  'aria-description',
]);

type Node = { type: string; [key: string]: unknown };
const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && typeof (value as Node).type === 'string';

/** Reads like text for people: letters and a space, or one capitalised word of 3+ letters. */
const looksLikeText = (text: string) => {
  const t = text.trim();
  return (
    /\p{L}{2,}/u.test(t) && (/\p{L}+\s+\p{L}+/u.test(t) || /^\p{Lu}\p{Ll}{2,}[.…!?]?$/u.test(t))
  );
};
export const sentence = (text: string) =>
  // A capital, an opening quote, or a placeholder first ("${host} didn't answer…").
  /^\s*([\p{Lu}"“«]|\{\})/u.test(text) && /\p{L}+\s+\p{L}+/u.test(text);

export function literalsIn(file: string): { kind: string; text: string }[] {
  const code = readFileSync(file, 'utf8');
  const ast = parseAst(code, { lang: file.endsWith('.tsx') ? 'tsx' : 'ts' }) as unknown as Node;
  const found: { kind: string; text: string }[] = [];
  const visit = (node: Node, parent: Node | null, inJsx: boolean) => {
    switch (node.type) {
      case 'JSXText':
        if (looksLikeText(String(node.value)))
          found.push({ kind: 'JSX text', text: String(node.value).trim() });
        break;
      case 'JSXAttribute': {
        const name = (node.name as Node).name as string;
        const value = node.value as Node | null;
        if (value?.type === 'Literal') {
          if (UI_ATTRIBUTES.has(name) && looksLikeText(String(value.value)))
            found.push({ kind: `${name}=`, text: String(value.value) });
          return;
        }
        // Only UI attributes hold text; class, data-*, handlers hold other strings.
        if (value) visit(value, node, UI_ATTRIBUTES.has(name));
        return;
      }
      case 'Literal':
        if (typeof node.value === 'string') {
          const text = node.value;
          const isImport =
            parent?.type === 'ImportDeclaration' || parent?.type === 'ExportNamedDeclaration';
          if (!isImport && ((inJsx && looksLikeText(text)) || sentence(text)))
            found.push({ kind: 'string', text });
        }
        break;
      case 'TemplateLiteral': {
        const text = (node.quasis as Node[])
          .map((q) => (q.value as { cooked: string }).cooked)
          .join('{}');
        if ((inJsx && looksLikeText(text)) || sentence(text))
          found.push({ kind: 'template', text });
        break;
      }
    }
    // Inside a JSX child expression ({…} between tags), any text-like string is shown.
    const jsx =
      inJsx ||
      (node.type === 'JSXExpressionContainer' &&
        (parent?.type === 'JSXElement' || parent?.type === 'JSXFragment'));
    for (const [key, value] of Object.entries(node)) {
      if (key === 'type') continue;
      // t('key') and plural('key', n): keys, not text.
      if (node.type === 'CallExpression' && key === 'arguments') {
        const callee = node.callee as Node;
        const name = callee.type === 'Identifier' ? callee.name : '';
        if (name === 't' || name === 'plural' || name === 'messageOf') continue;
      }
      const children = Array.isArray(value) ? value : [value];
      for (const child of children) if (isNode(child)) visit(child, node, jsx);
    }
  };
  visit(ast, null, false);
  return found;
}
