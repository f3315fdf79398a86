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
