import { localizeEngineText } from '@/src/i18n/engine-text';
import { formatBytes, t } from '@/src/i18n/i18n';
import { modelName } from '@/src/vlm/model-registry';
import type { StatusView } from '@/src/vlm/status-format';
import type { EngineStatusModelInstance } from './engine-status-model';

/** One line of model status with a progress bar per file while downloading. */
export function StatusLine({ view }: { view: StatusView }) {
  return (
    <div class={`engine-status tone-${view.tone}`} data-state={view.tone}>
      <p class="engine-headline">{localizeEngineText(view.headline)}</p>
      {view.percent !== undefined && (
        <progress max={100} value={view.percent} aria-label={t('device.downloadProgress')}>
          {view.percent}%
        </progress>
      )}
      {view.detail && <p class="engine-detail">{localizeEngineText(view.detail)}</p>}
      {view.files && view.files.length > 1 && (
        <ul class="engine-files">
          {view.files.map((file) => (
            <li key={file.name}>
              <span class="file-name">{file.name}</span>{' '}
              <span class="file-progress">{localizeEngineText(file.text)}</span>
              <progress
                max={100}
                value={file.percent}
                aria-label={t('device.fileDownload', { file: file.name })}
              />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The popup's "on this device" card: model, backend, state, measured speed, cache size. */
export function DeviceCard({
  model,
  optionsUrl,
}: {
  model: EngineStatusModelInstance;
  optionsUrl: string;
}) {
  const bytes = model.cachedBytes.value;
  return (
    <section class="device-card" aria-labelledby="device-heading" aria-live="polite">
      <h2 id="device-heading">{t('device.heading')}</h2>
      <p class="device-model">
        {t('device.model')} <strong>{localizeEngineText(modelName(model.modelId.value))}</strong>
      </p>
      <StatusLine view={model.view.value} />
      <p class="device-measured" data-testid="measured">
        {model.measured.value
          ? t('device.measured', { run: localizeEngineText(model.measured.value) })
          : t('device.notMeasured')}
      </p>
      <p class="fine-print">
        {t('device.downloaded', { size: bytes === null ? '…' : formatBytes(bytes) })} ·{' '}
        <a href={optionsUrl} target="_blank" rel="noreferrer">
          {t('device.settings')}
        </a>
      </p>
    </section>
  );
}
