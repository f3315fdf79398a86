import { formatBytes } from '@/src/vlm/model-cache';
import { modelName } from '@/src/vlm/model-registry';
import type { StatusView } from '@/src/vlm/status-format';
import type { EngineStatusModelInstance } from './engine-status-model';

/** One line of model status with a progress bar per file while downloading. */
export function StatusLine({ view }: { view: StatusView }) {
  return (
    <div class={`engine-status tone-${view.tone}`} data-state={view.tone}>
      <p class="engine-headline">{view.headline}</p>
      {view.percent !== undefined && (
        <progress max={100} value={view.percent} aria-label="Model download progress">
          {view.percent}%
        </progress>
      )}
      {view.detail && <p class="engine-detail">{view.detail}</p>}
      {view.files && view.files.length > 1 && (
        <ul class="engine-files">
          {view.files.map((file) => (
            <li key={file.name}>
              <span class="file-name">{file.name}</span>{' '}
              <span class="file-progress">{file.text}</span>
              <progress max={100} value={file.percent} aria-label={`${file.name} download`} />
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
      <h2 id="device-heading">SmolVLM2 on this device</h2>
      <p class="device-model">
        Model: <strong>{modelName(model.modelId.value)}</strong>
      </p>
      <StatusLine view={model.view.value} />
      <p class="device-measured" data-testid="measured">
        {model.measured.value
          ? `Measured here: ${model.measured.value}`
          : 'No answer measured on this device yet. Right-click an image and choose "Ask Glimpse about this image".'}
      </p>
      <p class="fine-print">
        Downloaded models: {bytes === null ? '…' : formatBytes(bytes)} ·{' '}
        <a href={optionsUrl} target="_blank" rel="noreferrer">
          Model settings
        </a>
      </p>
    </section>
  );
}
