/**
 * The narrow, typed surface of transformers.js the engine uses. The library's own types are
 * loose (many `any`s); this file is the one place its objects are given precise shapes.
 */
import type * as Transformers from '@huggingface/transformers';
import type { DecodeProfile } from '@/src/messaging/protocol';

export type TransformersModule = typeof Transformers;
export type RawImage = Transformers.RawImage;
export type Tensor = Transformers.Tensor;
export type DynamicCache = Transformers.DynamicCache;
export type ProgressInfo = Transformers.ProgressInfo;

export type ChatContent = { type: 'image' } | { type: 'text'; text: string };
export interface ChatMessage {
  role: 'user' | 'assistant';
  content: ChatContent[];
}

export interface VisionInputs {
  input_ids: Tensor;
  attention_mask: Tensor;
  pixel_values: Tensor;
  pixel_attention_mask: Tensor;
}

export interface TextTokenizer {
  encode(text: string, options: { add_special_tokens: boolean }): number[];
  decode(ids: bigint[] | number[], options: { skip_special_tokens: boolean }): string;
}

export interface ChatProcessor {
  tokenizer: TextTokenizer & Transformers.PreTrainedTokenizer;
  renderChat(messages: ChatMessage[], addGenerationPrompt: boolean): string;
  prepare(text: string, image: RawImage, options: { splitImage: boolean }): Promise<VisionInputs>;
  imageSeqLen: number;
  /** Edge of one vision-encoder tile (512 px for SmolVLM2-256M/500M). */
  tileSize: number;
}

export interface GenerateResult {
  sequences: Tensor;
  past_key_values: DynamicCache;
}

export interface VisionChatModel {
  generate(params: Record<string, unknown>): Promise<GenerateResult>;
  config: { image_token_id: number; text_config?: { max_position_embeddings?: number } };
  dispose(): Promise<unknown>;
}

interface ProcessorLike {
  tokenizer: Transformers.PreTrainedTokenizer;
  apply_chat_template(messages: unknown, options: Record<string, unknown>): unknown;
  config?: { image_seq_len?: number };
  image_processor?: { max_image_size?: { longest_edge?: number }; do_resize?: boolean };
  (text: string, images: RawImage[], options: Record<string, unknown>): Promise<unknown>;
}

export function adaptProcessor(processor: Transformers.Processor): ChatProcessor {
  const callable = processor as unknown as ProcessorLike;
  const tokenizer = callable.tokenizer;
  const tileSize = callable.image_processor?.max_image_size?.longest_edge ?? 512;
  return {
    tokenizer: tokenizer as TextTokenizer & Transformers.PreTrainedTokenizer,
    imageSeqLen: callable.config?.image_seq_len ?? 64,
    tileSize,
    renderChat(messages, addGenerationPrompt) {
      const text = callable.apply_chat_template(messages, {
        add_generation_prompt: addGenerationPrompt,
        tokenize: false,
      });
      if (typeof text !== 'string') throw new Error('The chat template did not render text.');
      return text;
    },
    async prepare(text, image, { splitImage }) {
      const imageProcessor = callable.image_processor;
      if (splitImage || !imageProcessor)
        return (await callable(text, [image], { do_image_splitting: splitImage })) as VisionInputs;
      // Unsplit, the processor first scales the image to size.longest_edge (a 512-px image becomes
      // 2048 px, in float arrays) and only then squashes it to one tile. Squashing to the tile
      // first is the same view for less work: about 0.4 s less TTFT on the 256M (npm run bench).
      // The engine prepares one request at a time, so switching the resize off is not seen by another.
      const view = await image.resize(tileSize, tileSize);
      const resizes = imageProcessor.do_resize;
      imageProcessor.do_resize = false;
      try {
        return (await callable(text, [view], { do_image_splitting: false })) as VisionInputs;
      } finally {
        imageProcessor.do_resize = resizes;
      }
    },
  };
}

/** Resolves on the next task (not microtask), without setTimeout's 4 ms clamping. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * On WASM, onnxruntime-web's session.run resolves through microtasks only, so generate() would
 * never let the page handle a message (a Stop, a closed tab) until the answer was finished. The
 * model yields one task before each forward step, so cancels land within a token.
 */
export function adaptModel(model: Transformers.PreTrainedModel): VisionChatModel {
  const steppable = model as unknown as { forward(inputs: unknown): Promise<unknown> };
  const forward = steppable.forward.bind(model);
  steppable.forward = async (inputs) => {
    await nextTask();
    return forward(inputs);
  };
  return model as unknown as VisionChatModel;
}

/** One ONNX `session.run`: which session, when it started and how long it took. */
export interface SessionRun {
  session: string;
  startedAt: number;
  ms: number;
}

/** The model's session runs, in call order, since the last `take()`. */
export interface SessionRunTimer {
  take(): SessionRun[];
}

/**
 * Times every `session.run` of a loaded model (vision encoder, embeddings, decoder), so a turn's
 * stats can say how much of each decoded token was onnxruntime's and how much was everything
 * else (sampling, streaming, the hop between steps). Two clock reads per run cost nothing
 * beside a run's milliseconds.
 */
export function timeSessionRuns(model: Transformers.PreTrainedModel, now: () => number) {
  type Run = (...args: unknown[]) => Promise<unknown>;
  const sessions = (model as unknown as { sessions?: Record<string, { run: Run }> }).sessions ?? {};
  let runs: SessionRun[] = [];
  for (const [name, session] of Object.entries(sessions)) {
    const run = session.run.bind(session);
    session.run = async (...args) => {
      const startedAt = now();
      try {
        return await run(...args);
      } finally {
        runs.push({ session: name, startedAt, ms: now() - startedAt });
      }
    };
  }
  const timer: SessionRunTimer = {
    take() {
      const taken = runs;
      runs = [];
      return taken;
    },
  };
  return timer;
}

/**
 * Splits decode time using the runs that started after the first token: each later token is one
 * forward step, so there are `newTokens - 1` of them.
 */
export function decodeProfile(
  runs: readonly SessionRun[],
  firstTokenAt: number,
  end: number,
  newTokens: number,
  decoderSession = 'decoder_model_merged',
): DecodeProfile | undefined {
  const steps = newTokens - 1;
  if (steps < 1 || firstTokenAt <= 0) return undefined;
  const decoding = runs.filter((run) => run.startedAt >= firstTokenAt);
  const total = (list: readonly SessionRun[]) => list.reduce((sum, run) => sum + run.ms, 0);
  return {
    msPerToken: (end - firstTokenAt) / steps,
    ortMsPerToken: total(decoding) / steps,
    decoderMsPerToken: total(decoding.filter((run) => run.session === decoderSession)) / steps,
  };
}
