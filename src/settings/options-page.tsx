import { localizeEngineText } from '@/src/i18n/engine-text';
import { formatBytes, formatNumber, plural, t } from '@/src/i18n/i18n';
import { DTYPES, type Dtype, MODEL_MODULES, type ModelModule } from '@/src/messaging/protocol';
import { HUB_HOST, MODELS, modelName } from '@/src/vlm/model-registry';
import { BACKEND_NAMES } from '@/src/vlm/status-format';
import type { FolderFile, OptionsModelInstance } from './options-model';

type Props = { model: OptionsModelInstance };

function ModelSection({ model }: Props) {
  const { settings, isCustom } = model;
  const current = settings.value.modelId;
  const backend = model.backendNow.value?.backend ?? 'wasm';
  return (
    <fieldset>
      <legend>{t('options.model')}</legend>
      {MODELS.map((m) => (
        <label key={m.id} class="choice">
          <input
            type="radio"
            name="model"
            value={m.id}
            checked={current === m.id}
            onChange={() => void model.chooseModel(m.id)}
          />
          <span>
            <strong>{m.name}</strong> — {localizeEngineText(m.summary)}{' '}
            {t('options.modelChoice', {
              mb: formatNumber(m.downloadMb[backend]),
              gb: formatNumber(m.memoryGb),
            })}
          </span>
        </label>
      ))}
      {model.importedModels.value.map((id) => (
        <label key={id} class="choice">
          <input
            type="radio"
            name="model"
            value={id}
            checked={current === id}
            onChange={() => void model.chooseModel(id)}
          />
          <span>
            <strong>{localizeEngineText(modelName(id))}</strong> — {t('options.imported')}
          </span>
        </label>
      ))}
      <label class="choice">
        <input
          type="radio"
          name="model"
          value="custom"
          checked={isCustom.value && !current.startsWith('local/')}
          onChange={() =>
            document.querySelector<HTMLInputElement>('input[name="custom-model"]')?.focus()
          }
        />
        <span>
          <strong>{t('options.custom')}</strong> — {t('options.customHint')}
        </span>
      </label>
      <label class="field">
        <span>
          {t('options.customId')} <small>{t('options.customIdHelp')}</small>
        </span>
        <input
          type="text"
          name="custom-model"
          placeholder="owner/name"
          defaultValue={isCustom.value && !current.startsWith('local/') ? current : ''}
          aria-invalid={model.customIdError.value ? 'true' : 'false'}
          aria-describedby="custom-model-error"
          onChange={(e) => model.setCustomModel(e.currentTarget.value)}
        />
      </label>
      <p id="custom-model-error" class="error" role="alert">
        {model.customIdError.value}
      </p>
    </fieldset>
  );
}

function SourceSection({ model }: Props) {
  const host = model.settings.value.remoteHost;
  return (
    <fieldset>
      <legend>{t('options.source')}</legend>
      <label class="field">
        <span>{t('options.mirror')}</span>
        <input
          type="url"
          name="mirror"
          defaultValue={host}
          key={host}
          aria-invalid={model.mirrorError.value ? 'true' : 'false'}
          aria-describedby="mirror-help mirror-error"
          onChange={(e) => model.setMirror(e.currentTarget.value)}
        />
      </label>
      <p id="mirror-help" class="help">
        {t('options.mirrorHelp', { pattern: '<host>/<model id>/resolve/main/<file>' })}
      </p>
      <p id="mirror-error" class="error" role="alert">
        {model.mirrorError.value}
      </p>
      {host !== HUB_HOST && (
        <button type="button" onClick={() => void model.useHub()}>
          {t('options.useHub')}
        </button>
      )}
      <label class="field">
        <span>{t('options.import')}</span>
        <input
          type="file"
          name="import"
          // @ts-expect-error: webkitdirectory is a real attribute that Preact's types lack
          webkitdirectory={true}
          multiple
          disabled={model.importing.value}
          onChange={(e) => {
            const files = Array.from(e.currentTarget.files ?? []) as FolderFile[];
            void model.importFolder(files);
          }}
        />
      </label>
      <p class="status-text" role="status" data-testid="import-status">
        {model.importing.value
          ? t('options.importing')
          : localizeEngineText(model.importMessage.value ?? '')}
      </p>
    </fieldset>
  );
}

function PerformanceSection({ model }: Props) {
  const { settings, gpu, backendNow } = model;
  return (
    <fieldset>
      <legend>{t('options.speed')}</legend>
      {(['auto', 'webgpu', 'wasm'] as const).map((choice) => (
        <label key={choice} class="choice">
          <input
            type="radio"
            name="backend"
            value={choice}
            checked={settings.value.backend === choice}
            onChange={() => void model.setBackend(choice)}
          />
          <span>
            {choice === 'auto'
              ? t('options.auto')
              : t('options.always', { backend: BACKEND_NAMES[choice] })}
          </span>
        </label>
      ))}
      <p class="help" data-testid="backend-now">
        {gpu.value === null
          ? t('options.checkingGpu')
          : localizeEngineText(backendNow.value?.reason ?? '')}
      </p>
      <details>
        <summary>{t('options.precision')}</summary>
        {MODEL_MODULES.map((module) => (
          <DtypeSelect key={module} model={model} module={module} />
        ))}
        <p class="help">{t('options.precisionHelp')}</p>
      </details>
      <label class="field">
        <span>{t('options.idle')}</span>
        <input
          type="number"
          name="idle"
          min={1}
          max={60}
          step={1}
          defaultValue={String(settings.value.idleMinutes)}
          key={settings.value.idleMinutes}
          onChange={(e) => model.setIdleMinutes(Number(e.currentTarget.value))}
        />
      </label>
    </fieldset>
  );
}

function DtypeSelect({ model, module }: Props & { module: ModelModule }) {
  const value = model.settings.value.dtypeOverrides[module] ?? 'default';
  return (
    <label class="field inline">
      <span>{module.replaceAll('_', ' ')}</span>
      <select
        value={value}
        onChange={(e) => model.setDtype(module, e.currentTarget.value as Dtype | 'default')}
      >
        <option value="default">{t('options.default')}</option>
        {DTYPES.map((d) => (
          <option key={d} value={d}>
            {d}
          </option>
        ))}
      </select>
    </label>
  );
}

function StorageSection({ model }: Props) {
  return (
    <fieldset>
      <legend>{t('options.downloads')}</legend>
      {model.cached.value.length === 0 ? (
        <p data-testid="cache-list">{t('options.nothingDownloaded')}</p>
      ) : (
        <ul data-testid="cache-list">
          {model.cached.value.map((m) => (
            <li key={`${m.host}/${m.modelId}`}>
              {plural('options.cachedModel', m.files, {
                model: localizeEngineText(modelName(m.modelId)),
                host: m.host,
                size: formatBytes(m.bytes),
              })}
            </li>
          ))}
        </ul>
      )}
      <p data-testid="cache-total">
        {t('options.total', { size: formatBytes(model.cachedTotal.value) })}
      </p>
      <button
        type="button"
        disabled={model.cached.value.length === 0}
        onClick={() => void model.deleteDownloads()}
      >
        {t('options.delete')}
      </button>
    </fieldset>
  );
}

function VotesSection({ model }: Props) {
  const { serviceUrl, deviceOnly } = model.voteSettings.value;
  const fallback = model.defaultVoteServiceUrl.value;
  return (
    <fieldset>
      <legend>{t('options.votes')}</legend>
      <label class="choice">
        <input
          type="checkbox"
          name="device-only"
          checked={deviceOnly}
          onChange={(e) => void model.setDeviceOnly(e.currentTarget.checked)}
        />
        <span>{t('options.deviceOnly')}</span>
      </label>
      <p class="help" id="vote-sync-help">
        {t('options.syncHelp')}
      </p>
      <label class="field">
        <span>
          {t('options.voteService')}{' '}
          <small>
            {fallback
              ? t('options.voteServiceFallback', { url: fallback })
              : t('options.voteServiceNone')}
          </small>
        </span>
        <input
          type="url"
          name="vote-service"
          placeholder={fallback ?? 'https://votes.example.org'}
          defaultValue={serviceUrl ?? ''}
          key={serviceUrl ?? ''}
          disabled={deviceOnly}
          aria-invalid={model.voteUrlError.value ? 'true' : 'false'}
          aria-describedby="vote-sync-help vote-service-error"
          onChange={(e) => model.setVoteServiceUrl(e.currentTarget.value)}
        />
      </label>
      <p id="vote-service-error" class="error" role="alert">
        {model.voteUrlError.value}
      </p>
    </fieldset>
  );
}

export function OptionsPage({ model }: Props) {
  if (!model.loaded.value) return <main class="options">{t('options.loading')}</main>;
  return (
    <main class="options">
      <h1>{t('options.pageTitle')}</h1>
      <p class="help">{t('options.intro')}</p>
      <ModelSection model={model} />
      <SourceSection model={model} />
      <PerformanceSection model={model} />
      <StorageSection model={model} />
      <VotesSection model={model} />
      <p class="status-text" role="status" data-testid="save-status">
        {model.error.value ?? (model.saveState.value === 'saved' ? t('options.saved') : '')}
      </p>
    </main>
  );
}
