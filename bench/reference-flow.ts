/**
 * The documented transformers.js SmolVLM usage, as the public demo runs it: AutoProcessor +
 * AutoModelForVision2Seq, the chat template over the whole conversation, the processor's own
 * image splitting, greedy `generate` with a streamer, and the image re-encoded every turn.
 * Runs in an extension page of the bench build, on the same ORT files, threads and model as Glimpse.
 */
import type {
  AutoModelForVision2Seq,
  AutoProcessor,
  RawImage,
  Tensor,
} from '@huggingface/transformers';
import type { GenerationStats } from '@/src/messaging/protocol';
import type { OrtLoader, OrtRuntime } from '@/src/vlm/ort-runtime';

export interface ReferenceLoad {
  modelId: string;
  remoteHost: string;
  device: 'webgpu' | 'wasm';
  dtype: Record<string, string>;
}

export interface ReferenceTurn {
  /** A new conversation starts with an image; a follow-up sends none. */
  image?: { base64: string; contentType: string };
  question: string;
  maxNewTokens: number;
  /** False reads the image as one view (the processor's own splitting is the default). */
  splitImage?: boolean;
}

/** The engine's figures, measured the same way, so the two flows compare field for field. */
export interface ReferenceStats
  extends Pick<
    GenerationStats,
    'promptTokens' | 'imageTokens' | 'newTokens' | 'ttftMs' | 'tokensPerSecond' | 'totalMs'
  > {
  /** Where decode time goes: ms per new token inside the decoder's ORT session.run, and overall. */
  profile: { decoderRunMsPerToken: number; msPerToken: number; onnxShare: number };
}

type Message = { role: 'user' | 'assistant'; content: { type: string; text?: string }[] };
type Processor = Awaited<ReturnType<typeof AutoProcessor.from_pretrained>>;
type Model = Awaited<ReturnType<typeof AutoModelForVision2Seq.from_pretrained>>;

/**
 * The reference gets transformers.js from the same loader as the engine, so it runs on the same
 * onnxruntime-web build (loaded by the first backend asked for in the page).
 */
export function createReferenceFlow(loader: OrtLoader) {
  let runtime: OrtRuntime | null = null;
  let processor: Processor | null = null;
  let model: Model | null = null;
  let image: RawImage | null = null;
  let messages: Message[] = [];
  // Durations of the decoder's session.run calls, to tell ORT's kernels from everything else.
  let decoderRuns: number[] = [];

  function timeDecoderRuns(loaded: Model) {
    const sessions = (loaded as unknown as { sessions: Record<string, TimedSession> }).sessions;
    const decoder = sessions.decoder_model_merged;
    if (!decoder) return;
    const run = decoder.run.bind(decoder);
    decoder.run = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await run(...args);
      } finally {
        decoderRuns.push(performance.now() - started);
      }
    };
  }

  return {
    async load(options: ReferenceLoad): Promise<{ loadMs: number; ortBuild: string }> {
      const started = performance.now();
      const loaded = await loader.forBackend(options.device);
      if ('unavailable' in loaded) throw new Error(loaded.unavailable);
      runtime = loaded;
      const { env, AutoProcessor, AutoModelForVision2Seq } = runtime.transformers;
      env.allowLocalModels = false;
      env.remoteHost = options.remoteHost;
      const wasm = env.backends.onnx.wasm;
      if (wasm) {
        wasm.wasmPaths = runtime.wasmPaths;
        wasm.numThreads = runtime.wasmThreads;
      }
      await model?.dispose();
      processor = await AutoProcessor.from_pretrained(options.modelId);
      model = await AutoModelForVision2Seq.from_pretrained(options.modelId, {
        device: options.device,
        dtype: options.dtype as never,
      });
      timeDecoderRuns(model);
      return { loadMs: performance.now() - started, ortBuild: runtime.build };
    },

    async ask(turn: ReferenceTurn): Promise<ReferenceStats> {
      if (!processor || !model || !runtime) throw new Error('load() first');
      const { RawImage, TextStreamer } = runtime.transformers;
      const started = performance.now();
      if (turn.image) {
        const bytes = Uint8Array.from(atob(turn.image.base64), (c) => c.charCodeAt(0));
        image = await RawImage.fromBlob(new Blob([bytes], { type: turn.image.contentType }));
        messages = [];
      }
      if (!image) throw new Error('The first turn needs an image');
      messages.push({
        role: 'user',
        content: [
          ...(messages.length === 0 ? [{ type: 'image' }] : []),
          { type: 'text', text: turn.question },
        ],
      });
      const text = processor.apply_chat_template(messages as never, {
        add_generation_prompt: true,
      }) as string;
      const inputs = (await (processor as unknown as CallableProcessor)(
        text,
        [image],
        turn.splitImage === false ? { do_image_splitting: false } : {},
      )) as { input_ids: Tensor };
      let firstTokenAt = 0;
      let newTokens = 0;
      let answer = '';
      decoderRuns = [];
      const streamer = new TextStreamer(processor.tokenizer as never, {
        skip_prompt: true,
        skip_special_tokens: true,
        callback_function: (piece: string) => {
          answer += piece;
        },
        token_callback_function: () => {
          if (firstTokenAt === 0) firstTokenAt = performance.now();
          newTokens++;
        },
      });
      await model.generate({
        ...inputs,
        max_new_tokens: turn.maxNewTokens,
        do_sample: false,
        streamer,
      });
      const ended = performance.now();
      messages.push({ role: 'assistant', content: [{ type: 'text', text: answer }] });
      const ids = Array.from(inputs.input_ids.data as BigInt64Array);
      const imageTokenId = BigInt(
        (model.config as unknown as { image_token_id: number }).image_token_id,
      );
      const decodeSeconds = (ended - firstTokenAt) / 1000;
      // The first run is the prefill; the rest each produce one token.
      const decodeRuns = decoderRuns.slice(1);
      const decoderRunMsPerToken = decodeRuns.reduce((a, b) => a + b, 0) / decodeRuns.length;
      const msPerToken = newTokens > 1 ? (ended - firstTokenAt) / (newTokens - 1) : Number.NaN;
      return {
        promptTokens: ids.length,
        imageTokens: ids.filter((id) => id === imageTokenId).length,
        newTokens,
        ttftMs: firstTokenAt - started,
        tokensPerSecond: newTokens > 1 ? (newTokens - 1) / decodeSeconds : 0,
        totalMs: ended - started,
        profile: {
          decoderRunMsPerToken,
          msPerToken,
          onnxShare: decoderRunMsPerToken / msPerToken,
        },
      };
    },
  };
}

type TimedSession = { run: (...args: unknown[]) => Promise<unknown> };
type CallableProcessor = (
  text: string,
  images: RawImage[],
  options: { do_image_splitting?: boolean },
) => Promise<unknown>;
