import type { Backend } from '@/src/messaging/protocol';
import { IMPORTED_PREFIX } from './model-import';

export const HUB_HOST = 'https://huggingface.co/';

export interface ModelSpec {
  id: string;
  name: string;
  summary: string;
  /** Approximate download with Glimpse's default dtypes, in MB, per backend. */
  downloadMb: Record<Backend, number>;
  /** Inference memory at batch 1 (SmolVLM paper, arXiv 2504.05299). */
  memoryGb: number;
}

export const MODELS: readonly ModelSpec[] = [
  {
    id: 'HuggingFaceTB/SmolVLM2-256M-Video-Instruct',
    name: 'SmolVLM2 256M',
    summary: 'Fastest, smallest download. The default.',
    downloadMb: { wasm: 210, webgpu: 320 },
    memoryGb: 0.8,
  },
  {
    id: 'HuggingFaceTB/SmolVLM2-500M-Video-Instruct',
    name: 'SmolVLM2 500M',
    summary: 'Better answers, about twice the download and slower.',
    downloadMb: { wasm: 480, webgpu: 700 },
    memoryGb: 1.2,
  },
];

export const DEFAULT_MODEL_ID = 'HuggingFaceTB/SmolVLM2-256M-Video-Instruct';
export const SMALLEST_MODEL = MODELS[0] as ModelSpec;

/** "owner/name", as on the Hub; a custom SmolVLM/Idefics3 ONNX export uses the same form. */
export function isValidModelId(id: string): boolean {
  return /^[\w.-]+\/[\w.-]+$/.test(id) && !id.includes('..');
}

export function modelName(id: string): string {
  if (id.startsWith(IMPORTED_PREFIX)) return `${id.slice(IMPORTED_PREFIX.length)} (imported)`;
  return MODELS.find((m) => m.id === id)?.name ?? id;
}
