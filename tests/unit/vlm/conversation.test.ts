import { describe, expect, test } from 'vitest';
import { followUpSuffix, userTurn } from '@/src/vlm/conversation';
import type { ChatMessage } from '@/src/vlm/transformers-adapter';

// SmolVLM2's template shape: "User:<image>q<end_of_utterance>\nAssistant: a<end_of_utterance>\n".
function render(messages: ChatMessage[], addGenerationPrompt: boolean): string {
  let out = '<|im_start|>';
  for (const m of messages) {
    const role = m.role === 'user' ? 'User' : 'Assistant';
    out += `${role}${m.content[0]?.type === 'image' ? ':' : ': '}`;
    for (const c of m.content) out += c.type === 'text' ? c.text : '<image>';
    out += '<end_of_utterance>\n';
  }
  return addGenerationPrompt ? `${out}Assistant:` : out;
}

describe('follow-up prompts', () => {
  test('only the new turn is appended after the model’s own end of utterance', () => {
    const history = [
      userTurn('What is it?', true),
      { role: 'assistant' as const, content: [{ type: 'text' as const, text: 'A cat.' }] },
    ];
    expect(followUpSuffix(render, history, 'What colour?', '<end_of_utterance>')).toBe(
      '\nUser: What colour?<end_of_utterance>\nAssistant:',
    );
  });

  test('a template that does not end turns with the eos token is refused', () => {
    expect(() => followUpSuffix(() => 'no markers', [], 'q', '<end_of_utterance>')).toThrow(
      /does not end assistant turns/,
    );
  });
});
