import { useSignal } from '@preact/signals';
import { useId } from 'preact/hooks';
import { t } from '@/src/i18n/i18n';

interface ExpandableTextProps {
  text: string;
  /** What the toggle is about, for screen readers ("SmolVLM2-2B description"). */
  label: string;
  lines?: number;
  as?: 'p' | 'blockquote';
  /** The text's own language when it isn't the UI's (quoted content). */
  textLang?: string;
}

/** Long text clamped to a few lines, with a "more" toggle that keyboards and screen readers can use. */
export function ExpandableText({
  text,
  label,
  lines = 3,
  as: Tag = 'p',
  textLang,
}: ExpandableTextProps) {
  const expanded = useSignal(false);
  const id = useId();
  return (
    <div class="expandable">
      <Tag
        id={id}
        class={expanded.value ? 'expandable-text' : 'expandable-text clamped'}
        style={{ '--clamp-lines': String(lines) }}
        lang={textLang}
        data-content
      >
        {text}
      </Tag>
      <button
        type="button"
        class="link-button"
        aria-expanded={expanded.value}
        aria-controls={id}
        aria-label={
          expanded.value ? t('expandable.showLess', { label }) : t('expandable.showMore', { label })
        }
        onClick={() => {
          expanded.value = !expanded.value;
        }}
      >
        {expanded.value ? t('expandable.less') : t('expandable.more')}
      </button>
    </div>
  );
}
