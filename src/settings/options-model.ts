import { computed, createModel, signal } from '@preact/signals';
import * as v from 'valibot';
import { plural, t } from '@/src/i18n/i18n';
import type { BackendPreference, Dtype, ModelModule } from '@/src/messaging/protocol';
import {
  DEFAULT_VOTE_SETTINGS,
  normalizeServiceUrl,
  type VoteSettings,
} from '@/src/verdicts/vote-settings';
import { chooseBackend, type GpuProbe } from '@/src/vlm/backend';
import { type CachedModel, deleteCachedModels, listCachedModels } from '@/src/vlm/model-cache';
import {
  checkModelFolder,
  IMPORT_HOST,
  type ImportFile,
  importedModelId,
  importModelFiles,
  relativeToFolder,
} from '@/src/vlm/model-import';
import { DEFAULT_MODEL_ID, HUB_HOST, isValidModelId, MODELS } from '@/src/vlm/model-registry';
import { DEFAULT_SETTINGS, type GlimpseSettings, GlimpseSettingsSchema } from '@/src/vlm/settings';
import { parseWebAddress, WEB_ADDRESS_HINT } from './web-address';

export interface OptionsDeps {
  load(): Promise<GlimpseSettings>;
  save(settings: GlimpseSettings): Promise<void>;
  caches: Pick<CacheStorage, 'open' | 'delete' | 'has'>;
  probeGpu(): Promise<GpuProbe>;
  confirm(question: string): boolean;
  votes: {
    load(): Promise<VoteSettings>;
    save(settings: VoteSettings): Promise<void>;
    /** The build's vote service, null for a device-only build. */
    defaultServiceUrl: string | null;
  };
}

export type FolderFile = { webkitRelativePath: string } & Blob;

export const OptionsModel = createModel((deps: OptionsDeps) => {
  const settings = signal<GlimpseSettings>(DEFAULT_SETTINGS);
  const loaded = signal(false);
  const saveState = signal<'idle' | 'saving' | 'saved'>('idle');
  const error = signal<string | null>(null);
  const customIdError = signal<string | null>(null);
  const mirrorError = signal<string | null>(null);
  const cached = signal<CachedModel[]>([]);
  const gpu = signal<GpuProbe | null>(null);
  const importMessage = signal<string | null>(null);
  const importing = signal(false);
  const voteSettings = signal<VoteSettings>(DEFAULT_VOTE_SETTINGS);
  const voteUrlError = signal<string | null>(null);

  const isCustom = computed(() => !MODELS.some((m) => m.id === settings.value.modelId));
  const backendNow = computed(() =>
    gpu.value ? chooseBackend(settings.value.backend, gpu.value) : null,
  );
  const importedModels = computed(() =>
    cached.value.filter((m) => `https://${m.host}/` === IMPORT_HOST).map((m) => m.modelId),
  );
  const cachedTotal = computed(() => cached.value.reduce((sum, m) => sum + m.bytes, 0));

  async function refreshCache() {
    cached.value = await listCachedModels(deps.caches).catch(() => []);
  }

  async function saving(write: () => Promise<void>) {
    error.value = null;
    saveState.value = 'saving';
    try {
      await write();
      saveState.value = 'saved';
    } catch {
      saveState.value = 'idle';
      error.value = t('options.saveFailed');
    }
  }

  function updateVotes(patch: Partial<VoteSettings>) {
    const next = { ...voteSettings.value, ...patch };
    voteSettings.value = next;
    return saving(() => deps.votes.save(next));
  }

  async function update(patch: Partial<GlimpseSettings>) {
    const next = { ...settings.value, ...patch };
    const parsed = v.safeParse(GlimpseSettingsSchema, next);
    if (!parsed.success) {
      error.value = t('options.invalid');
      return;
    }
    settings.value = parsed.output;
    await saving(() => deps.save(parsed.output));
  }

  void (async () => {
    settings.value = await deps.load();
    voteSettings.value = await deps.votes.load();
    loaded.value = true;
    await refreshCache();
    gpu.value = await deps.probeGpu();
  })();

  return {
    settings,
    loaded,
    saveState,
    error,
    customIdError,
    mirrorError,
    cached,
    cachedTotal,
    gpu,
    backendNow,
    isCustom,
    importedModels,
    voteSettings,
    voteUrlError,
    defaultVoteServiceUrl: computed(() => deps.votes.defaultServiceUrl),
    importMessage,
    importing,
    chooseModel: (modelId: string) => update({ modelId }),
    setCustomModel(modelId: string) {
      const id = modelId.trim();
      if (!isValidModelId(id)) {
        customIdError.value = t('options.badModelId');
        return;
      }
      customIdError.value = null;
      void update({ modelId: id });
    },
    setMirror(url: string) {
      const parsed = parseWebAddress(url.trim() || HUB_HOST);
      if (!parsed) {
        mirrorError.value = WEB_ADDRESS_HINT;
        return;
      }
      mirrorError.value = null;
      void update({ remoteHost: parsed.href.endsWith('/') ? parsed.href : `${parsed.href}/` });
    },
    useHub: () => {
      mirrorError.value = null;
      return update({ remoteHost: HUB_HOST });
    },
    setBackend: (backend: BackendPreference) => update({ backend }),
    /** Empty means the build's own service (or none). */
    setVoteServiceUrl(text: string) {
      const trimmed = text.trim();
      const url = trimmed ? normalizeServiceUrl(trimmed) : null;
      if (trimmed && !url) {
        voteUrlError.value = WEB_ADDRESS_HINT;
        return;
      }
      voteUrlError.value = null;
      void updateVotes({ serviceUrl: url });
    },
    setDeviceOnly: (deviceOnly: boolean) => updateVotes({ deviceOnly }),
    setDtype(module: ModelModule, dtype: Dtype | 'default') {
      const overrides = { ...settings.value.dtypeOverrides };
      if (dtype === 'default') delete overrides[module];
      else overrides[module] = dtype;
      void update({ dtypeOverrides: overrides });
    },
    setIdleMinutes(minutes: number) {
      if (!Number.isFinite(minutes) || minutes < 1 || minutes > 60) {
        error.value = t('options.badIdle');
        return;
      }
      void update({ idleMinutes: minutes });
    },
    async deleteDownloads() {
      if (!deps.confirm(t('options.confirmDelete'))) return;
      await deleteCachedModels(deps.caches);
      await refreshCache();
      if (settings.value.modelId.startsWith('local/')) await update({ modelId: DEFAULT_MODEL_ID });
    },
    async importFolder(files: FolderFile[]) {
      importMessage.value = null;
      if (files.length === 0) return;
      const entries = files.map((file) => ({
        ...relativeToFolder(file.webkitRelativePath),
        data: file as Blob,
      }));
      const folder = entries[0]?.folder ?? 'model';
      const problem = checkModelFolder(entries.map((e) => e.path));
      if (problem) {
        importMessage.value = problem;
        return;
      }
      importing.value = true;
      try {
        const modelId = importedModelId(folder);
        const count = await importModelFiles(
          deps.caches,
          modelId,
          entries.map((e): ImportFile => ({ path: e.path, data: e.data })),
        );
        await refreshCache();
        await update({ modelId });
        importMessage.value = plural('options.importedOk', count, { name: folder });
      } catch {
        importMessage.value = t('options.storeFailed');
      } finally {
        importing.value = false;
      }
    },
    refreshCache,
  };
});
export type OptionsModelInstance = InstanceType<typeof OptionsModel>;
