import { UserFacingError } from '@/src/messaging/user-error';
import { modelName, SMALLEST_MODEL } from './model-registry';

export interface LoadContext {
  modelId: string;
  remoteHost: string;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Turns whatever loading threw into one sentence with a next step. */
export function describeLoadError(
  error: unknown,
  { modelId, remoteHost }: LoadContext,
): UserFacingError {
  if (error instanceof UserFacingError) return error;
  const text = messageOf(error);
  const host = hostOf(remoteHost);
  if (/QuotaExceeded|quota/i.test(text)) {
    return new UserFacingError(
      `There isn't enough disk space to keep ${modelName(modelId)}. Free some space and try again.`,
    );
  }
  if (
    /out of memory|Array buffer allocation failed|RangeError: .*(allocation|memory)|OOM|std::bad_alloc/i.test(
      text,
    )
  ) {
    const hint =
      modelId === SMALLEST_MODEL.id
        ? 'Close other tabs or apps and try again.'
        : `Choose the smaller ${SMALLEST_MODEL.name} model in Options.`;
    return new UserFacingError(
      `Your device ran out of memory loading ${modelName(modelId)}. ${hint}`,
    );
  }
  if (/\b404\b|not found|Could not locate file/i.test(text)) {
    return new UserFacingError(
      `The files for ${modelName(modelId)} weren't found on ${host}. Check the model id and mirror in Options.`,
    );
  }
  if (/\b40[13]\b|Unauthorized|Forbidden/i.test(text)) {
    return new UserFacingError(
      `${host} refused to send ${modelName(modelId)}. The model may be gated; import its files in Options instead.`,
    );
  }
  if (/fetch|network|Truncated|ECONN|socket|terminated|aborted|Load failed|ERR_/i.test(text)) {
    return new UserFacingError(
      `Couldn't download the model from ${host}. Check your connection, or set a mirror or import the files in Options.`,
    );
  }
  return new UserFacingError(
    `Glimpse couldn't start ${modelName(modelId)}. Check that it is a SmolVLM ONNX export, or switch the backend to WASM in Options.`,
  );
}
