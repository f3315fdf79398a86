import type { ChatMessage } from './transformers-adapter';

/** Placeholder for the last answer when rendering the chat template for a follow-up. */
const ANSWER_SENTINEL = '\u241eGLIMPSE_ANSWER\u241e';

export function userTurn(question: string, withImage: boolean): ChatMessage {
  return {
    role: 'user',
    content: withImage
      ? [{ type: 'image' }, { type: 'text', text: question }]
      : [{ type: 'text', text: question }],
  };
}

export function assistantTurn(answer: string): ChatMessage {
  return { role: 'assistant', content: [{ type: 'text', text: answer }] };
}

/**
 * The text a follow-up appends after the model's own last token (its end-of-utterance): the
 * chat template rendered once with a sentinel answer, cut after "<sentinel><eos>". The cached
 * prefix keeps the tokens the model really produced, so nothing before this is re-tokenized.
 */
export function followUpSuffix(
  render: (messages: ChatMessage[], addGenerationPrompt: boolean) => string,
  history: ChatMessage[],
  question: string,
  eosToken: string,
): string {
  const rendered = render(
    [...history, assistantTurn(ANSWER_SENTINEL), userTurn(question, false)],
    true,
  );
  const marker = `${ANSWER_SENTINEL}${eosToken}`;
  const at = rendered.indexOf(marker);
  if (at < 0)
    throw new Error(
      'The chat template does not end assistant turns with the end-of-utterance token.',
    );
  return rendered.slice(at + marker.length);
}

/** Placeholder for the first question when cutting the first turn at the image. */
const QUESTION_SENTINEL = '\u241eGLIMPSE_QUESTION\u241e';

/**
 * The first turn cut in two: everything up to and including the image (the same for any
 * question, so it can be prefilled while the user is still choosing), and the text the question
 * adds after it. Both come from one rendering of the chat template, so nothing is re-ordered.
 */
export function firstTurnParts(
  render: (messages: ChatMessage[], addGenerationPrompt: boolean) => string,
  question: string,
): { prefix: string; suffix: string } {
  const rendered = render([userTurn(QUESTION_SENTINEL, true)], true);
  const at = rendered.indexOf(QUESTION_SENTINEL);
  if (at < 0) throw new Error('The chat template dropped the question.');
  return {
    prefix: rendered.slice(0, at),
    suffix: `${question}${rendered.slice(at + QUESTION_SENTINEL.length)}`,
  };
}

/**
 * Where to cut an image prefix so each piece holds one tile's image tokens: each cut falls right
 * after a run of image tokens, and the last piece takes whatever follows the last run. Returns
 * the end index of every piece; one piece when the runs don't match the tiles.
 */
export function tileChunkEnds(
  ids: readonly bigint[],
  imageTokenId: bigint,
  tiles: number,
): number[] {
  const ends: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] === imageTokenId && ids[i + 1] !== imageTokenId) ends.push(i + 1);
  }
  if (ends.length !== tiles || ends.length === 0) return [ids.length];
  ends[ends.length - 1] = ids.length;
  return ends;
}
