import { TextStreamer } from '@huggingface/transformers';

/**
 * A TextStreamer to hand the engine in place of transformers.js' own, which records every token
 * id of each answer: the answer, token for token. Call `next()` before each answer.
 */
export function answerRecorder() {
  const answers: bigint[][] = [];
  // generate() puts the prompt first, then each new token: keep only the new ones.
  class RecordingStreamer extends TextStreamer {
    promptSeen = false;
    override put(value: bigint[][]) {
      if (this.promptSeen) answers.at(-1)?.push(...(value[0] ?? []));
      this.promptSeen = true;
      return super.put(value);
    }
  }
  return {
    RecordingStreamer,
    /** The new tokens of the next answer. */
    next(): bigint[] {
      const tokens: bigint[] = [];
      answers.push(tokens);
      return tokens;
    },
  };
}
