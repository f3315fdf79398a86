import { useSignal } from '@preact/signals';
import { useId } from 'preact/hooks';

interface ExpandableTextProps {
  text: string;
  /** What the toggle is about, for screen readers ("SmolVLM2-2B description"). */
  label: string;
  lines?: number;
  as?: 'p' | 'blockquote';
}

/** Long text clamped to a few lines, with a "more" toggle that keyboards and screen readers can use. */
export function ExpandableText({ text, label, lines = 3, as: Tag = 'p' }: ExpandableTextProps) {
  const expanded = useSignal(false);
  const id = useId();
  return (
    <div class="expandable">
      <Tag
        id={id}
        class={expanded.value ? 'expandable-text' : 'expandable-text clamped'}
        style={{ '--clamp-lines': String(lines) }}
      >
        {text}
      </Tag>
      <button
        type="button"
        class="link-button"
        aria-expanded={expanded.value}
        aria-controls={id}
        aria-label={`${expanded.value ? 'Show less of' : 'Show more of'} ${label}`}
        onClick={() => {
          expanded.value = !expanded.value;
        }}
      >
        {expanded.value ? 'less' : 'more'}
      </button>
    </div>
  );
}
