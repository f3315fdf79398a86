import { DTYPES, type Dtype, MODEL_MODULES, type ModelModule } from '@/src/messaging/protocol';
import { formatBytes } from '@/src/vlm/model-cache';
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
      <legend>Model</legend>
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
            <strong>{m.name}</strong> — {m.summary} About {m.downloadMb[backend]} MB to download,{' '}
            {m.memoryGb} GB of memory.
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
            <strong>{modelName(id)}</strong> — from your files, works offline.
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
          <strong>Custom model</strong> — enter its id below.
        </span>
      </label>
      <label class="field">
        <span>
          Custom model id{' '}
          <small>
            (any SmolVLM/Idefics3 ONNX export, e.g. your own SmolVLM2-2.2B; there is no public one)
          </small>
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
      <legend>Where the model downloads from</legend>
      <label class="field">
        <span>Mirror host (Hugging Face Hub by default)</span>
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
        Files are fetched as <code>{'<host>/<model id>/resolve/main/<file>'}</code>, as from the
        Hub. Besides vote syncs (below), this download is the only thing Glimpse sends over the
        network.
      </p>
      <p id="mirror-error" class="error" role="alert">
        {model.mirrorError.value}
      </p>
      {host !== HUB_HOST && (
        <button type="button" onClick={() => void model.useHub()}>
          Use the Hugging Face Hub
        </button>
      )}
      <label class="field">
        <span>Or import a model folder from this computer (for air-gapped use)</span>
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
        {model.importing.value ? 'Importing…' : model.importMessage.value}
      </p>
    </fieldset>
  );
}

function PerformanceSection({ model }: Props) {
  const { settings, gpu, backendNow } = model;
  return (
    <fieldset>
      <legend>Speed</legend>
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
              ? 'Automatic (WebGPU when available)'
              : `Always ${BACKEND_NAMES[choice]}`}
          </span>
        </label>
      ))}
      <p class="help" data-testid="backend-now">
        {gpu.value === null ? 'Checking for WebGPU…' : backendNow.value?.reason}
      </p>
      <details>
        <summary>Weights precision per part of the model</summary>
        {MODEL_MODULES.map((module) => (
          <DtypeSelect key={module} model={model} module={module} />
        ))}
        <p class="help">
          Leave on Default unless answers look wrong: some GPUs mis-handle 8-bit weights.
        </p>
      </details>
      <label class="field">
        <span>Free memory after this many idle minutes</span>
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
        <option value="default">Default</option>
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
      <legend>Downloaded models</legend>
      {model.cached.value.length === 0 ? (
        <p data-testid="cache-list">Nothing downloaded yet.</p>
      ) : (
        <ul data-testid="cache-list">
          {model.cached.value.map((m) => (
            <li key={`${m.host}/${m.modelId}`}>
              {modelName(m.modelId)} from {m.host}: {formatBytes(m.bytes)} in {m.files} files
            </li>
          ))}
        </ul>
      )}
      <p data-testid="cache-total">Total: {formatBytes(model.cachedTotal.value)}</p>
      <button
        type="button"
        disabled={model.cached.value.length === 0}
        onClick={() => void model.deleteDownloads()}
      >
        Delete downloaded models
      </button>
    </fieldset>
  );
}

function VotesSection({ model }: Props) {
  const { serviceUrl, deviceOnly } = model.voteSettings.value;
  const fallback = model.defaultVoteServiceUrl.value;
  return (
    <fieldset>
      <legend>Community votes</legend>
      <label class="choice">
        <input
          type="checkbox"
          name="device-only"
          checked={deviceOnly}
          onChange={(e) => void model.setDeviceOnly(e.currentTarget.checked)}
        />
        <span>Keep my vote on this device only</span>
      </label>
      <p class="help" id="vote-sync-help">
        A sync sends the vote service this install's id, the tool you picked and when you picked it,
        nothing else. With this switch on, Glimpse never contacts the vote service.
      </p>
      <label class="field">
        <span>
          Vote service address{' '}
          <small>
            {fallback
              ? `(empty: this build's service, ${fallback})`
              : '(this build has none: empty keeps votes on this device)'}
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
  if (!model.loaded.value) return <main class="options">Loading settings…</main>;
  return (
    <main class="options">
      <h1>Glimpse settings</h1>
      <p class="help">Answers are computed on this device. Images and questions never leave it.</p>
      <ModelSection model={model} />
      <SourceSection model={model} />
      <PerformanceSection model={model} />
      <StorageSection model={model} />
      <VotesSection model={model} />
      <p class="status-text" role="status" data-testid="save-status">
        {model.error.value ?? (model.saveState.value === 'saved' ? 'Saved.' : '')}
      </p>
    </main>
  );
}
