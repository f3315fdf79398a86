import { describe, expect, test } from 'vitest';
import { UserFacingError } from '@/src/messaging/user-error';
import { describeLoadError } from '@/src/vlm/load-errors';
import { TruncatedDownloadError } from '@/src/vlm/verified-fetch';

const ctx = {
  modelId: 'HuggingFaceTB/SmolVLM2-500M-Video-Instruct',
  remoteHost: 'https://mirror.example.org/',
};
const say = (error: unknown, c = ctx) => describeLoadError(error, c).message;

describe('load errors become one sentence', () => {
  test('network failures and cut downloads', () => {
    const expected =
      "Couldn't download the model from mirror.example.org. Check your connection, or set a mirror or import the files in Options.";
    expect(say(new TypeError('Failed to fetch'))).toBe(expected);
    expect(say(new TruncatedDownloadError(10, 5))).toBe(expected);
    expect(say(new TypeError('network error'))).toBe(expected);
  });

  test('out of memory suggests the smaller model, or closing tabs when already on it', () => {
    expect(say(new RangeError('Array buffer allocation failed'))).toBe(
      'Your device ran out of memory loading SmolVLM2 500M. Choose the smaller SmolVLM2 256M model in Options.',
    );
    expect(
      say(new Error('std::bad_alloc'), {
        ...ctx,
        modelId: 'HuggingFaceTB/SmolVLM2-256M-Video-Instruct',
      }),
    ).toMatch(/ran out of memory loading SmolVLM2 256M\. Close other tabs/);
  });

  test('missing files, refusals, quota, and anything else', () => {
    expect(say(new Error('Could not locate file: "https://x/onnx/a.onnx".'))).toMatch(
      /weren't found on mirror\.example\.org/,
    );
    expect(say(new Error('Unauthorized access to file: 401'))).toMatch(
      /refused to send SmolVLM2 500M/,
    );
    expect(say(new DOMException('The quota has been exceeded.', 'QuotaExceededError'))).toMatch(
      /isn't enough disk space/,
    );
    expect(say(new Error('invalid protobuf'))).toBe(
      "Glimpse couldn't start SmolVLM2 500M. Check that it is a SmolVLM ONNX export, or switch the backend to WASM in Options.",
    );
    const own = new UserFacingError('Already a sentence.');
    expect(describeLoadError(own, ctx)).toBe(own);
  });
});
