/**
 * The narrow, typed surface of transformers.js the engine uses. The library's own types are
 * loose (many `any`s); this file is the one place its objects are given precise shapes.
 */
import type * as Transformers from '@huggingface/transformers';

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
  (text: string, images: RawImage[], options: Record<string, unknown>): Promise<unknown>;
}

export function adaptProcessor(processor: Transformers.Processor): ChatProcessor {
  const callable = processor as unknown as ProcessorLike;
  const tokenizer = callable.tokenizer;
  return {
    tokenizer: tokenizer as TextTokenizer & Transformers.PreTrainedTokenizer,
    imageSeqLen: callable.config?.image_seq_len ?? 64,
    renderChat(messages, addGenerationPrompt) {
      const text = callable.apply_chat_template(messages, {
        add_generation_prompt: addGenerationPrompt,
        tokenize: false,
      });
      if (typeof text !== 'string') throw new Error('The chat template did not render text.');
      return text;
    },
    async prepare(text, image, { splitImage }) {
      return (await callable(text, [image], { do_image_splitting: splitImage })) as VisionInputs;
    },
  };
}

export function adaptModel(model: Transformers.PreTrainedModel): VisionChatModel {
  return model as unknown as VisionChatModel;
}
