import { describe, expect, test } from 'vitest';
import {
  answerLanguageFor,
  englishNameOf,
  QUICK_ACTIONS,
  withAnswerLanguage,
} from '@/src/chat/prompts';
import { DEFAULT_MODEL_ID, MODELS } from '@/src/vlm/model-registry';

const describePrompt = QUICK_ACTIONS.find((a) => a.id === 'describe')?.prompt ?? '';

describe('which language answers are asked for', () => {
  test('SmolVLM2 from the registry writes English only: never asked for another language', () => {
    for (const model of MODELS)
      expect(answerLanguageFor(model.id, 'de')).toEqual({ locale: 'de', asked: false });
    expect(withAnswerLanguage(describePrompt, answerLanguageFor(DEFAULT_MODEL_ID, 'ja'))).toBe(
      describePrompt,
    );
  });

  test('a custom model is asked for the UI language; an English UI changes nothing', () => {
    const de = answerLanguageFor('me/my-multilingual-smolvlm', 'de');
    expect(withAnswerLanguage(describePrompt, de)).toBe(`${describePrompt} Answer in German.`);
    expect(withAnswerLanguage(describePrompt, answerLanguageFor('me/x', 'zh-CN'))).toBe(
      `${describePrompt} Answer in Simplified Chinese.`,
    );
    expect(withAnswerLanguage(describePrompt, answerLanguageFor('me/x', 'en'))).toBe(
      describePrompt,
    );
  });

  test('"Read the text" keeps the text’s own language whatever the UI’s', () => {
    const read = QUICK_ACTIONS.find((a) => a.id === 'read-text');
    if (!read) throw new Error('no read-text action');
    expect(read.inUiLanguage).toBe(false);
    expect(
      withAnswerLanguage(read.prompt, answerLanguageFor('me/x', 'fr'), read.inUiLanguage),
    ).toBe(read.prompt);
  });

  test('the languages Glimpse ships, by their English names', () => {
    expect(['de', 'fr', 'es', 'ja', 'zh-CN'].map(englishNameOf)).toEqual([
      'German',
      'French',
      'Spanish',
      'Japanese',
      'Simplified Chinese',
    ]);
  });
});
