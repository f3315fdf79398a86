import { closeOnEscape, HeaderActions } from '@/src/chat/ui/header-actions';
import { trusted } from '@/src/chat/ui/trusted';
import { localizeEngineText } from '@/src/i18n/engine-text';
import { plural, t } from '@/src/i18n/i18n';
import { StatusLine } from '@/src/ui/engine-status';
import { describeStatus } from '@/src/vlm/status-format';
import type { DescribedImage, DescribeModelInstance } from '../describe-model';

export interface PageImagesPanelProps {
  model: DescribeModelInstance;
  /** How many images the page has in all. */
  checked: number;
  onClose: () => void;
  /** When the UI isn't English and the model writes English only: its name, for the note. */
  englishOnlyModel?: string;
}

function stateText(item: DescribedImage): string {
  switch (item.state.value) {
    case 'waiting':
      return t('pageImages.notYet');
    case 'reading':
      return t('pageImages.reading');
    case 'describing':
      if (item.text.value) return item.text.value;
      // `ahead` counts every request that runs first, the one running now included.
      return item.ahead.value > 0
        ? plural('chat.waitingFor', item.ahead.value)
        : t('pageImages.describing');
    case 'stopped':
      return t('pageImages.stopped');
    case 'error':
      return item.error.value ? localizeEngineText(item.error.value) : t('pageImages.failed');
    case 'done':
      return item.text.value;
  }
}

function ImageRow({
  model,
  item,
  answerLang,
}: {
  model: DescribeModelInstance;
  item: DescribedImage;
  answerLang: string | undefined;
}) {
  const state = item.state.value;
  const label = t('pageImages.imageN', { n: item.position });
  // A description is model output (in the model's language); the rest is Glimpse's own text.
  const isDescription = (state === 'describing' && item.text.value !== '') || state === 'done';
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
        aria-label={t('pageImages.show', { n: item.position })}
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
        {...(isDescription ? { 'data-content': true, lang: answerLang } : {})}
        onClick={trusted(() => model.reveal(item))}
      >
        {stateText(item)}
      </p>
      {state === 'done' && (
        <button
          type="button"
          class="small copy"
          aria-label={t('pageImages.copyOf', { n: item.position })}
          onClick={trusted(() => void model.copy(item))}
        >
          {model.copied.value === item.info.index ? t('common.copied') : t('common.copy')}
        </button>
      )}
    </li>
  );
}

/**
 * The page-images panel: Glimpse's own page in a frame on the user's page, so the page sees
 * neither the list nor the descriptions (unless the user adds them to it).
 */
export function PageImagesPanel({
  model,
  checked,
  onClose,
  englishOnlyModel,
}: PageImagesPanelProps) {
  const total = model.total.value;
  const running = model.running.value;
  const items = model.items.value;
  const done = model.doneCount.value;
  return (
    <section
      class="panel page-images"
      role="dialog"
      aria-modal="false"
      aria-labelledby="page-images-title"
      tabIndex={-1}
      onKeyDown={closeOnEscape(onClose)}
    >
      <header>
        <div class="titles">
          <h2 id="page-images-title">{t('pageImages.title')}</h2>
          <p class="subtitle">
            {total === 0
              ? plural('pageImages.allLabelled', checked)
              : plural('pageImages.count', total, { checked })}
          </p>
        </div>
        <HeaderActions busy={running} onStop={() => model.stop()} onClose={onClose} />
      </header>
      <StatusLine view={describeStatus(model.status.value)} />
      {englishOnlyModel && (
        <p class="note" data-testid="english-only">
          {t('chat.englishOnly', { model: englishOnlyModel })}
        </p>
      )}
      {total > 0 && (
        <div class="progress">
          <progress
            max={total}
            value={done}
            aria-label={t('pageImages.progressLabel', { done, total })}
          />
          <p role="status" class="progress-text" data-testid="progress">
            {model.announcement.value}
          </p>
          {!running && model.remaining.value > 0 && (
            <button type="button" class="primary" onClick={trusted(() => model.start())}>
              {t('pageImages.describeRest')}
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
            {t('pageImages.expose')}
          </label>
          <p class="fine-print" id="expose-explained">
            {t('pageImages.exposeExplained')}
          </p>
        </div>
      )}
      <ol class="page-image-list" aria-label={t('pageImages.list')}>
        {items.map((item) => (
          <ImageRow
            key={item.info.index}
            model={model}
            item={item}
            answerLang={englishOnlyModel ? 'en' : undefined}
          />
        ))}
      </ol>
    </section>
  );
}
