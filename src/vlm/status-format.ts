import type {
  Backend,
  EngineStatus,
  FileProgress,
  GenerationStats,
} from '@/src/messaging/protocol';
import { formatBytes } from './model-cache';
import { modelName } from './model-registry';

export const BACKEND_NAMES: Record<Backend, string> = { webgpu: 'WebGPU', wasm: 'WASM (CPU)' };

export interface StatusView {
  tone: 'idle' | 'busy' | 'ready' | 'error';
  headline: string;
  detail?: string;
  /** 0–100 while downloading. */
  percent?: number;
  files?: { name: string; percent: number; text: string }[];
}

const shortFile = (file: string) => file.split('/').at(-1) ?? file;
const percentOf = (loaded: number, total: number) =>
  total > 0 ? Math.min(100, Math.floor((loaded / total) * 100)) : 0;

function fileView(f: FileProgress) {
  return {
    name: shortFile(f.file),
    percent: percentOf(f.loaded, f.total),
    text: `${formatBytes(f.loaded)} of ${formatBytes(f.total)}`,
  };
}

export function describeStatus(status: EngineStatus): StatusView {
  switch (status.state) {
    case 'idle':
      return {
        tone: 'idle',
        headline: 'Not running',
        detail: 'The model starts when you ask about an image.',
      };
    case 'loading':
      return {
        tone: 'busy',
        headline: `Loading ${modelName(status.modelId)} on ${BACKEND_NAMES[status.backend]}…`,
      };
    case 'downloading': {
      const loaded = status.files.reduce((s, f) => s + f.loaded, 0);
      const total = status.files.reduce((s, f) => s + f.total, 0);
      const percent = percentOf(loaded, total);
      return {
        tone: 'busy',
        headline: `Downloading ${modelName(status.modelId)}: ${percent}%`,
        detail: `${formatBytes(loaded)} of ${formatBytes(total)}. Only this once: it stays on your device.`,
        percent,
        files: status.files.map(fileView),
      };
    }
    case 'ready':
      return {
        tone: 'ready',
        headline: `${modelName(status.modelId)} ready on ${BACKEND_NAMES[status.backend]}`,
        detail: status.notice ?? status.backendReason,
      };
    case 'error':
      return { tone: 'error', headline: 'The model could not start', detail: status.message };
  }
}

export function describeRun(stats: GenerationStats): string {
  const speed =
    stats.tokensPerSecond > 0
      ? `${stats.tokensPerSecond.toFixed(1)} tokens/s`
      : 'speed not measured';
  return `${speed} · first token in ${Math.round(stats.ttftMs)} ms · ${BACKEND_NAMES[stats.backend]}`;
}
