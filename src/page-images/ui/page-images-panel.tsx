import { trusted } from '@/src/chat/ui/trusted';
import { StatusLine } from '@/src/ui/engine-status';
import { describeStatus } from '@/src/vlm/status-format';
import type { DescribedImage, DescribeModelInstance } from '../describe-model';

export interface PageImagesPanelProps {
  model: DescribeModelInstance;
  /** How many images the page has in all. */
  checked: number;
  onClose: () => void;
}

function stateText(item: DescribedImage): string {
  switch (item.state.value) {
    case 'waiting':
      return 'Not described yet.';
    case 'reading':
      return 'Reading the image…';
    case 'describing':
      if (item.text.value) return item.text.value;
      // `ahead` counts every request that runs first, the one running now included.
      return item.ahead.value > 0
        ? `Waiting for ${item.ahead.value} other question(s)…`
        : 'Describing…';
    case 'stopped':
      return 'Stopped before it was described.';
    case 'error':
      return item.error.value ?? 'This image could not be described.';
    case 'done':
      return item.text.value;
  }
}

function ImageRow({ model, item }: { model: DescribeModelInstance; item: DescribedImage }) {
  const state = item.state.value;
  const label = `Image ${item.position}`;
  return (
    <li
      class={`page-image state-${state}`}
      data-index={item.info.index}
      data-state={state}
      data-finished={item.finished.value ?? undefined}
      aria-current={model.current.value === item ? 'step' : undefined}
    >
      <button
        type="button"
        class="reveal"
        aria-label={`Show ${label.toLowerCase()} on the page`}
        onClick={trusted(() => model.reveal(item))}
      >
        {item.thumbnail.value ? (
          <img class="thumb" src={item.thumbnail.value} alt="" />
        ) : (
          <span class="thumb placeholder" aria-hidden="true" />
        )}
        <span class="image-label">{label}</span>
      </button>
      {/* A click on the text shows the image too; the button before it does so for the keyboard. */}
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: the Show button is the keyboard path */}
      <p
        class={state === 'error' ? 'description error' : 'description'}
        aria-busy={state === 'describing'}
        onClick={trusted(() => model.reveal(item))}
      >
        {stateText(item)}
      </p>
      {state === 'done' && (
        <button
          type="button"
          class="small copy"
          aria-label={`Copy the description of ${label.toLowerCase()}`}
          onClick={trusted(() => void model.copy(item))}
        >
          {model.copied.value === item.info.index ? 'Copied' : 'Copy'}
        </button>
      )}
    </li>
  );
}

/**
 * The page-images panel: Glimpse's own page in a frame on the user's page, so the page sees
 * neither the list nor the descriptions (unless the user adds them to it).
 */
export function PageImagesPanel({ model, checked, onClose }: PageImagesPanelProps) {
  const total = model.total.value;
  const running = model.running.value;
  const items = model.items.value;
  return (
    <section
      class="panel page-images"
      role="dialog"
      aria-modal="false"
      aria-labelledby="page-images-title"
      tabIndex={-1}
      onKeyDown={trusted((event: KeyboardEvent) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          onClose();
        }
      })}
    >
      <header>
        <div class="titles">
          <h2 id="page-images-title">This page's images</h2>
          <p class="subtitle">
            {total === 0
              ? `All ${checked} images have a text alternative or are decoration.`
              : `${total} without a useful description, of ${checked} checked.`}
          </p>
        </div>
        <div class="header-actions">
          {running && (
            <button type="button" class="stop" onClick={trusted(() => model.stop())}>
              Stop
            </button>
          )}
          <button
            type="button"
            class="icon"
            aria-label="Close Glimpse (Esc)"
            onClick={trusted(onClose)}
          >
            ×
          </button>
        </div>
      </header>
      <StatusLine view={describeStatus(model.status.value)} />
      {total > 0 && (
        <div class="progress">
          <progress
            max={total}
            value={model.doneCount.value}
            aria-label={`${model.doneCount.value} of ${total} described`}
          />
          <p role="status" class="progress-text" data-testid="progress">
            {model.announcement.value}
          </p>
          {!running && model.remaining.value > 0 && (
            <button type="button" class="primary" onClick={trusted(() => model.start())}>
              Describe the rest
            </button>
          )}
        </div>
      )}
      {total > 0 && (
        <div class="expose">
          <label>
            <input
              type="checkbox"
              checked={model.expose.value}
              onChange={trusted((event: Event) => {
                void model.setExpose((event.currentTarget as HTMLInputElement).checked);
              })}
            />{' '}
            Add descriptions to the page
          </label>
          <p class="fine-print" id="expose-explained">
            Screen readers then announce each description with its image, and the page itself can
            read them.
          </p>
        </div>
      )}
      <ol class="page-image-list" aria-label="Images without a useful description">
        {items.map((item) => (
          <ImageRow key={item.info.index} model={model} item={item} />
        ))}
      </ol>
    </section>
  );
}
