import type {
  AskMessage,
  Backend,
  DtypeMap,
  EngineSettings,
  EngineStatus,
  FileProgress,
  GenerationStats,
  ImageInput,
  PrefillMessage,
  PrefillStats,
} from '@/src/messaging/protocol';
import { UserFacingError } from '@/src/messaging/user-error';
import { chooseBackend, chooseDtypes, type GpuProbe } from './backend';
import {
  assistantTurn,
  firstTurnParts,
  followUpSuffix,
  tileChunkEnds,
  userTurn,
} from './conversation';
import type { AcquiredImage } from './image-acquire';
import { describeLoadError } from './load-errors';
import { modelName } from './model-registry';
import type { OrtBuild } from './ort-build';
import {
  adaptModel,
  adaptProcessor,
  type ChatMessage,
  type ChatProcessor,
  type DynamicCache,
  decodeProfile,
  nextTask,
  type ProgressInfo,
  type RawImage,
  type SessionRunTimer,
  type TransformersModule,
  timeSessionRuns,
  type VisionChatModel,
} from './transformers-adapter';
import { createVerifiedFetch } from './verified-fetch';

export const DEFAULT_MAX_NEW_TOKENS = 512;
/** Conversations whose KV cache the engine keeps; the least recently used is freed first. */
export const MAX_CONVERSATIONS = 6;

/** transformers.js on the onnxruntime-web build picked for a backend, or why that backend can't run. */
export type EngineRuntime =
  | {
      transformers: TransformersModule;
      build?: OrtBuild;
      wasmPaths?: { wasm: string; mjs?: string };
      wasmThreads?: number;
    }
  | { unavailable: string };

export interface EngineDeps {
  /** transformers.js, loaded once (Node); or `runtime` picks the ORT build per backend (browser). */
  transformers?: TransformersModule;
  runtime?(backend: Backend): Promise<EngineRuntime>;
  probeGpu(): Promise<GpuProbe>;
  acquireImage(input: ImageInput): Promise<AcquiredImage>;
  decodeImage(image: AcquiredImage): Promise<RawImage>;
  onStatus(status: EngineStatus): void;
  /** Model downloads go through this fetch, wrapped so truncated files are never cached. */
  fetch?: typeof fetch;
  /** Where onnxruntime-web's .wasm ships inside the extension (never a CDN). */
  wasmPaths?: { wasm: string; mjs?: string };
  /** onnxruntime-web's WASM threads; 1 where the page isn't cross-origin isolated. */
  wasmThreads?: number;
  /** Added to the backend's reason on WASM (thread count, and why only one). */
  wasmThreadsNote?: string;
  /** onnxruntime-node has no "wasm" device; Node tests map WASM to "cpu". */
  deviceFor?(backend: Backend): string;
  /** Calls `onLost` if the GPU device the WebGPU sessions use is lost (driver reset, sleep…). */
  watchGpuDevice?(onLost: () => void): void;
  now?(): number;
}

export type AskRequest = AskMessage & { settings: EngineSettings };
export type AskOutcome = { outcome: 'done'; stats: GenerationStats } | { outcome: 'cancelled' };
export type PrefillRequest = PrefillMessage & { settings: EngineSettings };
export type PrefillOutcome = { outcome: 'done'; stats: PrefillStats } | { outcome: 'cancelled' };

interface LoadedModel {
  key: string;
  modelId: string;
  backend: Backend;
  backendReason: string;
  dtypes: DtypeMap;
  processor: ChatProcessor;
  model: VisionChatModel;
  sessionRuns: SessionRunTimer;
  eosId: bigint;
  eosToken: string;
  imageTokenId: bigint;
  contextLimit: number;
  notice?: string;
}

interface Conversation {
  image: RawImage;
  history: ChatMessage[];
  /** Every token the model has seen or produced, in order; null when the cache was dropped. */
  sequence: bigint[] | null;
  cache: DynamicCache | null;
  modelKey: string;
  /**
   * The first turn's image prefix in `cache` (`<|im_start|>User:<image…>`), before any question:
   * null once a turn has run, or when the cache was dropped.
   */
  prefix: { ids: bigint[]; ms: number; split: boolean; early: boolean } | null;
}

const modelKey = (s: EngineSettings) =>
  JSON.stringify([s.modelId, s.remoteHost, s.backend, s.dtypeOverrides]);

const isDeviceLoss = (error: unknown) =>
  /device (was |is )?lost|GPUDevice|lost the device|DXGI_ERROR_DEVICE|webgpu.*(destroyed|lost)/i.test(
    error instanceof Error ? `${error.name} ${error.message}` : String(error),
  );

/**
 * SmolVLM's processor upscales every image to its longest edge (2048 px) before cutting tiles,
 * so splitting a thumbnail costs 17×64 image tokens for no extra detail. Only images with more
 * pixels than one tile are split; the rest are read as a single 64-token view.
 */
export function shouldSplit(image: { width: number; height: number }, tileSize: number): boolean {
  return Math.max(image.width, image.height) > tileSize;
}

export function splitFor(
  mode: EngineSettings['splitImages'],
  image: { width: number; height: number },
  tileSize: number,
): boolean {
  return mode === 'always' || (mode !== 'never' && shouldSplit(image, tileSize));
}

function withLoadTime(outcome: AskOutcome, loadMs: number): AskOutcome {
  return outcome.outcome === 'done'
    ? { outcome: 'done', stats: { ...outcome.stats, loadMs } }
    : outcome;
}

export function createVlmEngine(deps: EngineDeps) {
  const now = deps.now ?? (() => performance.now());
  const deviceFor = deps.deviceFor ?? ((backend: Backend) => backend);
  const conversations = new Map<string, Conversation>();
  let current: LoadedModel | null = null;
  let loading: { key: string; promise: Promise<LoadedModel> } | null = null;
  let forcedWasmNotice: string | undefined;
  let lastSettings: EngineSettings | null = null;
  let status: EngineStatus = { state: 'idle' };
  let turns: Promise<unknown> = Promise.resolve();
  let tf: TransformersModule | null = deps.transformers ?? null;
  let ortBuild: OrtBuild | undefined;
  // Paths of the model files the current load fetched over the network. transformers.js reports
  // progress for files it reads from its cache too: only these are shown as a download.
  const fetchedPaths = new Set<string>();
  let wasmThreads = deps.wasmThreads;

  /** transformers.js; a model is loaded (and with it the library) before anything calls this. */
  function lib(): TransformersModule {
    if (!tf) throw new Error('transformers.js is not loaded yet.');
    return tf;
  }

  async function runtimeFor(backend: Backend): Promise<EngineRuntime> {
    if (deps.runtime) return deps.runtime(backend);
    if (!deps.transformers) throw new Error('The engine needs transformers.js or a runtime.');
    return {
      transformers: deps.transformers,
      ...(deps.wasmPaths ? { wasmPaths: deps.wasmPaths } : {}),
      ...(deps.wasmThreads ? { wasmThreads: deps.wasmThreads } : {}),
    };
  }

  function setStatus(next: EngineStatus) {
    status = next;
    deps.onStatus(next);
  }

  function configureEnvironment(
    settings: EngineSettings,
    runtime: Extract<EngineRuntime, { transformers: unknown }>,
  ) {
    const { env } = runtime.transformers;
    // In the extension, ORT stream-compiles its .wasm straight from the extension's own URL.
    // transformers.js' wasm cache would fetch it through the model fetch and hand ORT the bytes:
    // in the engine's worker that load fails (measured), and with the engine on the page's main
    // thread it made no measured difference to the first answer after an idle close
    // (bench/probe-idle-close.ts; README, "The slowdown after an idle close").
    if (runtime.build) env.useWasmCache = false;
    env.allowLocalModels = false;
    env.allowRemoteModels = true;
    env.remoteHost = settings.remoteHost;
    if (deps.fetch) {
      const verified = createVerifiedFetch(deps.fetch);
      env.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
        const url = input instanceof Request ? input.url : String(input);
        if (URL.canParse(url)) fetchedPaths.add(decodeURIComponent(new URL(url).pathname));
        return verified(input, init);
      };
    }
    const wasm = env.backends.onnx.wasm;
    if (runtime.wasmPaths && wasm) wasm.wasmPaths = runtime.wasmPaths;
    if (runtime.wasmThreads && wasm) wasm.numThreads = runtime.wasmThreads;
  }

  async function load(settings: EngineSettings, forceWasm: boolean): Promise<LoadedModel> {
    const probe = await deps.probeGpu();
    let choice = forceWasm
      ? { backend: 'wasm' as const, reason: forcedWasmNotice ?? 'WASM' }
      : chooseBackend(settings.backend, probe);
    let runtime = await runtimeFor(choice.backend);
    if ('unavailable' in runtime && choice.backend === 'webgpu') {
      choice = { backend: 'wasm', reason: runtime.unavailable };
      runtime = await runtimeFor('wasm');
    }
    if ('unavailable' in runtime) throw new Error(runtime.unavailable);
    tf = runtime.transformers;
    ortBuild = runtime.build;
    wasmThreads = runtime.wasmThreads ?? deps.wasmThreads;
    configureEnvironment(settings, runtime);
    const dtypes = chooseDtypes(choice.backend, probe.shaderF16, settings.dtypeOverrides);
    const { modelId } = settings;
    setStatus({ state: 'loading', modelId, backend: choice.backend });

    const files = new Map<string, FileProgress & { done: boolean }>();
    const publish = () =>
      setStatus({
        state: 'downloading',
        modelId,
        files: [...files.values()].map(({ file, loaded, total }) => ({ file, loaded, total })),
      });
    fetchedPaths.clear();
    // Without an injected fetch the engine cannot tell cache from network: all counts as download.
    const overNetwork = (file: string) =>
      !deps.fetch || [...fetchedPaths].some((path) => path.endsWith(`/${file}`));
    const progress_callback = (info: ProgressInfo) => {
      if (info.status === 'progress' && overNetwork(info.file)) {
        files.set(info.file, {
          file: info.file,
          loaded: info.loaded,
          total: info.total,
          done: false,
        });
        publish();
      } else if (info.status === 'done' && files.has(info.file)) {
        const entry = files.get(info.file);
        if (entry) entry.done = true;
        if ([...files.values()].every((f) => f.done)) {
          setStatus({ state: 'loading', modelId, backend: choice.backend });
        }
      }
    };

    const { AutoProcessor, AutoModelForVision2Seq } = lib();
    const processor = adaptProcessor(
      await AutoProcessor.from_pretrained(modelId, { progress_callback }),
    );
    const pretrained = await AutoModelForVision2Seq.from_pretrained(modelId, {
      device: deviceFor(choice.backend) as 'wasm',
      dtype: dtypes,
      progress_callback,
    });
    const sessionRuns = timeSessionRuns(pretrained, now);
    const model = adaptModel(pretrained);
    const eosToken = '<end_of_utterance>';
    const eosIds = processor.tokenizer.encode(eosToken, { add_special_tokens: false });
    if (eosIds.length !== 1)
      throw new UserFacingError(
        `${modelName(modelId)} is missing SmolVLM's end-of-utterance token.`,
      );
    const loaded: LoadedModel = {
      key: modelKey(settings),
      modelId,
      backend: choice.backend,
      backendReason:
        choice.backend === 'wasm' && deps.wasmThreadsNote
          ? `${choice.reason} ${deps.wasmThreadsNote}`
          : choice.reason,
      dtypes,
      processor,
      model,
      sessionRuns,
      eosId: BigInt(eosIds[0] as number),
      eosToken,
      imageTokenId: BigInt(model.config.image_token_id),
      contextLimit: model.config.text_config?.max_position_embeddings ?? 8192,
      ...(forceWasm && forcedWasmNotice ? { notice: forcedWasmNotice } : {}),
    };
    if (loaded.backend === 'webgpu') deps.watchGpuDevice?.(() => void onGpuLost(loaded));
    setStatus({
      state: 'ready',
      modelId,
      backend: loaded.backend,
      backendReason: loaded.backendReason,
      dtypes,
      ...(ortBuild ? { ortBuild } : {}),
      ...(loaded.notice ? { notice: loaded.notice } : {}),
    });
    return loaded;
  }

  /** The GPU went away: switch to WASM now, so the next question does not fail first. */
  async function onGpuLost(lost: LoadedModel) {
    if (current !== lost && loading === null) return;
    forcedWasmNotice =
      'WebGPU stopped working (the GPU device was lost), so Glimpse switched to WASM.';
    await unloadCurrent();
    if (lastSettings) await ensureModel(lastSettings).catch(() => undefined);
  }

  async function unloadCurrent() {
    const previous = current;
    current = null;
    for (const conversation of conversations.values()) dropCache(conversation);
    if (previous) await previous.model.dispose().catch(() => undefined);
  }

  async function ensureModel(settings: EngineSettings): Promise<LoadedModel> {
    lastSettings = settings;
    const key = modelKey(settings);
    if (current?.key === key) return current;
    if (loading?.key === key) return loading.promise;
    const promise = (async () => {
      await unloadCurrent();
      const forceWasm = forcedWasmNotice !== undefined && settings.backend !== 'wasm';
      try {
        return await load(settings, forceWasm);
      } catch (error) {
        // WebGPU can fail to build sessions on some adapters: WASM is slower but works.
        if (
          !forceWasm &&
          settings.backend === 'auto' &&
          !(error instanceof UserFacingError) &&
          current === null
        ) {
          const sentence = describeLoadError(error, settings);
          if (!/download|disk space|weren't found|refused/.test(sentence.message)) {
            forcedWasmNotice = 'WebGPU could not run the model here, so Glimpse switched to WASM.';
            return load(settings, true);
          }
        }
        throw error;
      }
    })();
    loading = { key, promise };
    try {
      current = await promise;
      return current;
    } catch (error) {
      const sentence = describeLoadError(error, settings);
      setStatus({ state: 'error', modelId: settings.modelId, message: sentence.message });
      throw sentence;
    } finally {
      if (loading?.promise === promise) loading = null;
    }
  }

  function dropCache(conversation: Conversation) {
    void conversation.cache?.dispose();
    conversation.cache = null;
    conversation.sequence = null;
    conversation.prefix = null;
  }

  function remember(id: string, conversation: Conversation) {
    conversations.delete(id);
    conversations.set(id, conversation);
    while (conversations.size > MAX_CONVERSATIONS) {
      const [oldestId, oldest] = conversations.entries().next().value as [string, Conversation];
      dropCache(oldest);
      conversations.delete(oldestId);
    }
  }

  async function startConversation(request: {
    image?: ImageInput | undefined;
  }): Promise<Conversation> {
    if (!request.image) {
      throw new UserFacingError(
        'This conversation has ended. Right-click the image and choose "Ask Glimpse about this image" again.',
      );
    }
    const acquired = await deps.acquireImage(request.image);
    const image = await deps.decodeImage(acquired);
    return { image, history: [], sequence: null, cache: null, modelKey: '', prefix: null };
  }

  /**
   * Feeds the first turn's image prefix into a fresh KV cache, one tile at a time: each piece
   * is one vision-encoder run (one tile) and one decoder pass over that tile's tokens. A cancel
   * lands between pieces: an encoder run under way finishes (WASM cannot interrupt a
   * session.run), the next one does not start. Every first turn goes through here, prefilled
   * early or not, so both feed the model exactly the same computations.
   */
  async function prefillImage(
    loaded: LoadedModel,
    conversation: Conversation,
    settings: EngineSettings,
    signal: AbortSignal,
    early: boolean,
  ): Promise<boolean> {
    const { processor, model } = loaded;
    if (conversation.modelKey !== loaded.key) dropCache(conversation);
    conversation.modelKey = loaded.key;
    const started = now();
    const split = splitFor(settings.splitImages, conversation.image, processor.tileSize);
    if (conversation.prefix && conversation.prefix.split === split) return true;
    dropCache(conversation);
    const { prefix } = firstTurnParts((m, g) => processor.renderChat(m, g), '');
    let inputs: Awaited<ReturnType<ChatProcessor['prepare']>>;
    try {
      inputs = await processor.prepare(prefix, conversation.image, { splitImage: split });
    } catch {
      throw new UserFacingError(
        "Glimpse couldn't prepare this image for the model. Try another image.",
      );
    }
    const ids = Array.from(inputs.input_ids.data as BigInt64Array);
    const tiles = inputs.pixel_values.dims[1] ?? 1;
    const ends = tileChunkEnds(ids, loaded.imageTokenId, tiles);
    const { Tensor, DynamicCache, ones } = lib();
    const cache = new DynamicCache();
    try {
      for (const [index, end] of ends.entries()) {
        if (signal.aborted) break;
        const whole = ends.length === 1;
        await model.generate({
          input_ids: new Tensor('int64', BigInt64Array.from(ids.slice(0, end)), [1, end]),
          attention_mask: ones([1, end]),
          pixel_values: whole
            ? inputs.pixel_values
            : inputs.pixel_values.slice(null, [index, index + 1]),
          pixel_attention_mask: whole
            ? inputs.pixel_attention_mask
            : inputs.pixel_attention_mask.slice(null, [index, index + 1]),
          past_key_values: cache,
          return_dict_in_generate: true,
          do_sample: false,
          max_new_tokens: 1,
        });
        // One task between pieces, so a cancel or a question from another tab is seen.
        await nextTask();
      }
    } catch (error) {
      void cache.dispose();
      throw error;
    }
    if (signal.aborted || cache.get_seq_length() !== ids.length) {
      void cache.dispose();
      return false;
    }
    conversation.cache = cache;
    conversation.sequence = ids;
    conversation.prefix = { ids, ms: now() - started, split, early };
    return true;
  }

  async function runTurn(
    loaded: LoadedModel,
    conversation: Conversation,
    request: AskRequest,
    onToken: (text: string) => void,
    signal: AbortSignal,
    turnStart: number,
  ): Promise<AskOutcome> {
    const { processor, model } = loaded;
    const maxNewTokens = request.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS;
    if (conversation.modelKey !== loaded.key) dropCache(conversation);
    conversation.modelKey = loaded.key;

    let notice: string | undefined;
    let feed: Record<string, unknown>;
    let fedIds: bigint[];
    let reusedCache = false;
    let prefill: NonNullable<Conversation['prefix']> | null = null;
    const { Tensor, DynamicCache, ones } = lib();

    const reuse = request.settings.followUps !== 'reencode';
    const followUp =
      reuse && conversation.history.length > 0 && conversation.cache && conversation.sequence
        ? conversation.sequence
        : null;
    let followUpIds: bigint[] | null = null;
    if (followUp) {
      const suffix = followUpSuffix(
        (m, g) => processor.renderChat(m, g),
        conversation.history,
        request.question,
        loaded.eosToken,
      );
      const suffixIds = processor.tokenizer
        .encode(suffix, { add_special_tokens: false })
        .map(BigInt);
      // A stopped answer has no end-of-utterance yet: close the turn the way the template would.
      const closing = followUp.at(-1) === loaded.eosId ? [] : [loaded.eosId];
      followUpIds = [...followUp, ...closing, ...suffixIds];
      if (followUpIds.length + maxNewTokens > loaded.contextLimit) {
        notice =
          'This conversation got too long for the model, so Glimpse started over from the image.';
        conversation.history = [];
        dropCache(conversation);
        followUpIds = null;
      }
    }

    if (followUpIds && conversation.cache) {
      const pastLength = conversation.cache.get_seq_length();
      fedIds = followUpIds.slice(pastLength);
      feed = {
        input_ids: new Tensor('int64', BigInt64Array.from(followUpIds), [1, followUpIds.length]),
        attention_mask: ones([1, followUpIds.length]),
      };
      reusedCache = true;
    } else if (reuse && conversation.history.length === 0) {
      // The first turn: the image prefix is in the cache (prefilled when the panel opened, or
      // now), and only the question's own tokens are fed.
      if (!(await prefillImage(loaded, conversation, request.settings, signal, false)))
        return { outcome: 'cancelled' };
      const prefix = conversation.prefix;
      if (!prefix || !conversation.cache) throw new Error('The image prefix was not kept.');
      prefill = prefix;
      const { suffix } = firstTurnParts((m, g) => processor.renderChat(m, g), request.question);
      const suffixIds = processor.tokenizer
        .encode(suffix, { add_special_tokens: false })
        .map(BigInt);
      fedIds = [...prefix.ids, ...suffixIds];
      feed = {
        input_ids: new Tensor('int64', BigInt64Array.from(fedIds), [1, fedIds.length]),
        attention_mask: ones([1, fedIds.length]),
      };
    } else {
      const messages = [
        ...conversation.history,
        userTurn(request.question, conversation.history.length === 0),
      ];
      const text = processor.renderChat(messages, true);
      let inputs: Awaited<ReturnType<ChatProcessor['prepare']>>;
      try {
        inputs = await processor.prepare(text, conversation.image, {
          splitImage: splitFor(
            request.settings.splitImages,
            conversation.image,
            processor.tileSize,
          ),
        });
      } catch {
        throw new UserFacingError(
          "Glimpse couldn't prepare this image for the model. Try another image.",
        );
      }
      fedIds = Array.from(inputs.input_ids.data as BigInt64Array);
      feed = { ...inputs };
      conversation.cache = null;
    }

    const { InterruptableStoppingCriteria, TextStreamer } = lib();
    const stopping = new InterruptableStoppingCriteria();
    const interrupt = () => stopping.interrupt();
    signal.addEventListener('abort', interrupt);
    let firstTokenAt = 0;
    let newTokens = 0;
    const streamer = new TextStreamer(processor.tokenizer, {
      skip_prompt: true,
      skip_special_tokens: true,
      callback_function: (text: string) => {
        if (text) onToken(text);
      },
      token_callback_function: () => {
        if (firstTokenAt === 0) firstTokenAt = now();
        newTokens++;
      },
    });
    const cache = conversation.cache ?? new DynamicCache();
    loaded.sessionRuns.take();
    try {
      if (signal.aborted) return { outcome: 'cancelled' };
      const result = await model.generate({
        ...feed,
        past_key_values: cache,
        return_dict_in_generate: true,
        do_sample: false,
        repetition_penalty: 1.1,
        max_new_tokens: maxNewTokens,
        streamer,
        stopping_criteria: stopping,
      });
      const sequence = (result.sequences.tolist() as bigint[][])[0] ?? [];
      const promptLength = (feed.input_ids as { dims: number[] }).dims[1] ?? 0;
      const answer = processor.tokenizer.decode(sequence.slice(promptLength), {
        skip_special_tokens: true,
      });
      conversation.history.push(
        userTurn(request.question, conversation.history.length === 0),
        assistantTurn(answer.trim()),
      );
      conversation.sequence = sequence;
      conversation.cache = result.past_key_values;
      conversation.prefix = null;
    } catch (error) {
      dropCache(conversation);
      throw error;
    } finally {
      signal.removeEventListener('abort', interrupt);
    }

    if (signal.aborted) return { outcome: 'cancelled' };
    const end = now();
    const decodeSeconds = (end - firstTokenAt) / 1000;
    const profile = decodeProfile(loaded.sessionRuns.take(), firstTokenAt, end, newTokens);
    return {
      outcome: 'done',
      stats: {
        backend: loaded.backend,
        modelId: loaded.modelId,
        promptTokens: fedIds.length,
        imageTokens: fedIds.filter((t) => t === loaded.imageTokenId).length,
        newTokens,
        ttftMs: firstTokenAt ? firstTokenAt - turnStart : end - turnStart,
        tokensPerSecond: newTokens > 1 && decodeSeconds > 0 ? (newTokens - 1) / decodeSeconds : 0,
        totalMs: end - turnStart,
        reusedCache,
        loadMs: 0,
        ...(prefill ? { prefillMs: Math.round(prefill.ms), prefilledEarly: prefill.early } : {}),
        ...(loaded.backend === 'wasm' ? { threads: wasmThreads ?? 1 } : {}),
        ...(ortBuild ? { ortBuild } : {}),
        ...(profile ? { decodeProfile: profile } : {}),
        ...(notice ? { notice } : {}),
      },
    };
  }

  async function askNow(
    request: AskRequest,
    onToken: (text: string) => void,
    signal: AbortSignal,
  ): Promise<AskOutcome> {
    const loadStart = now();
    let loaded = await ensureModel(request.settings);
    if (signal.aborted) return { outcome: 'cancelled' };
    const turnStart = now();
    const loadMs = Math.round(turnStart - loadStart);
    const existing = conversations.get(request.conversationId);
    const conversation = existing ?? (await startConversation(request));
    remember(request.conversationId, conversation);
    try {
      return withLoadTime(
        await runTurn(loaded, conversation, request, onToken, signal, turnStart),
        loadMs,
      );
    } catch (error) {
      if (loaded.backend === 'webgpu' && isDeviceLoss(error)) {
        // The GPU went away (driver reset, sleep, memory pressure): reload on WASM and retry once.
        forcedWasmNotice =
          'WebGPU stopped working (the GPU device was lost), so Glimpse switched to WASM.';
        await unloadCurrent();
        loaded = await ensureModel(request.settings);
        return withLoadTime(
          await runTurn(loaded, conversation, request, onToken, signal, now()),
          loadMs,
        );
      }
      if (error instanceof UserFacingError) throw error;
      throw new UserFacingError(
        "Glimpse couldn't finish that answer. Ask again, or try a smaller image.",
      );
    }
  }

  async function prefillNow(request: PrefillRequest, signal: AbortSignal): Promise<PrefillOutcome> {
    const loadStart = now();
    const loaded = await ensureModel(request.settings);
    if (signal.aborted) return { outcome: 'cancelled' };
    const loadMs = Math.round(now() - loadStart);
    const conversation =
      conversations.get(request.conversationId) ?? (await startConversation(request));
    remember(request.conversationId, conversation);
    if (conversation.history.length > 0 || request.settings.followUps === 'reencode')
      return { outcome: 'done', stats: { prefillMs: 0, loadMs, imageTokens: 0, promptTokens: 0 } };
    let prefilled: boolean;
    try {
      prefilled = await prefillImage(loaded, conversation, request.settings, signal, true);
    } catch (error) {
      if (error instanceof UserFacingError) throw error;
      throw new UserFacingError(
        "Glimpse couldn't read this image. Ask again, or try another image.",
      );
    }
    const prefix = conversation.prefix;
    if (!prefilled || !prefix) return { outcome: 'cancelled' };
    return {
      outcome: 'done',
      stats: {
        prefillMs: Math.round(prefix.ms),
        loadMs,
        imageTokens: prefix.ids.filter((t) => t === loaded.imageTokenId).length,
        promptTokens: prefix.ids.length,
      },
    };
  }

  function enqueue<T>(work: () => Promise<T>): Promise<T> {
    const turn = turns.then(work);
    turns = turn.catch(() => undefined);
    return turn;
  }

  return {
    get status() {
      return status;
    },
    /**
     * Reads the image into a conversation's KV cache before any question (the panel just
     * opened): the first question then feeds only its own tokens. Same result as without.
     */
    prefill(request: PrefillRequest, signal: AbortSignal): Promise<PrefillOutcome> {
      return enqueue(() => prefillNow(request, signal));
    },
    /** One turn at a time: the background queues fairly, this keeps the engine safe regardless. */
    ask(
      request: AskRequest,
      onToken: (text: string) => void,
      signal: AbortSignal,
    ): Promise<AskOutcome> {
      return enqueue(() => askNow(request, onToken, signal));
    },
    endConversation(conversationId: string) {
      const conversation = conversations.get(conversationId);
      if (conversation) dropCache(conversation);
      conversations.delete(conversationId);
    },
    hasConversation: (conversationId: string) => conversations.has(conversationId),
    /** Frees the model and every conversation's cache. */
    async dispose() {
      await unloadCurrent();
      conversations.clear();
      setStatus({ state: 'idle' });
    },
  };
}
export type VlmEngine = ReturnType<typeof createVlmEngine>;
