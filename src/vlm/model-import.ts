import { MODEL_CACHE_NAME } from './model-cache';

/**
 * Imported models are stored under this reserved host (.invalid never resolves), so they load
 * from the cache like any downloaded model and can never be fetched from a network instead.
 */
export const IMPORT_HOST = 'https://glimpse-import.invalid/';
export const IMPORTED_PREFIX = 'local/';

export function isImportedModel(modelId: string): boolean {
  return modelId.startsWith(IMPORTED_PREFIX);
}

export interface ImportFile {
  /** Path inside the model folder, e.g. "onnx/decoder_model_merged_q4.onnx". */
  path: string;
  data: Blob;
}

export const REQUIRED_FILES = [
  'config.json',
  'preprocessor_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
] as const;
const ONNX_MODULES = ['vision_encoder', 'embed_tokens', 'decoder_model_merged'] as const;

/** A sentence naming what the folder lacks, or null when it looks like a SmolVLM ONNX export. */
export function checkModelFolder(paths: string[]): string | null {
  const missing: string[] = REQUIRED_FILES.filter((f) => !paths.includes(f));
  for (const module of ONNX_MODULES) {
    if (!paths.some((p) => p.startsWith(`onnx/${module}`) && p.endsWith('.onnx')))
      missing.push(`onnx/${module}*.onnx`);
  }
  return missing.length === 0
    ? null
    : `This folder isn't a complete SmolVLM ONNX export: it has no ${missing.join(', ')}.`;
}

/** Strips the picked folder's own name from browser paths ("MyModel/onnx/x.onnx" → "onnx/x.onnx"). */
export function relativeToFolder(webkitRelativePath: string): { folder: string; path: string } {
  const [folder = '', ...rest] = webkitRelativePath.split('/');
  return { folder, path: rest.join('/') };
}

export function importedModelId(folder: string): string {
  const name = folder.replace(/[^\w.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '') || 'model';
  return `${IMPORTED_PREFIX}${name}`;
}

/** Writes the files where transformers.js will look for them in the model cache. */
export async function importModelFiles(
  caches: Pick<CacheStorage, 'open'>,
  modelId: string,
  files: ImportFile[],
): Promise<number> {
  const cache = await caches.open(MODEL_CACHE_NAME);
  for (const file of files) {
    const url = `${IMPORT_HOST}${modelId}/resolve/main/${file.path}`;
    await cache.put(
      url,
      new Response(file.data, { headers: { 'content-length': String(file.data.size) } }),
    );
  }
  return files.length;
}
