import { MODELS } from '@/src/vlm/model-registry';

/**
 * The quick actions: prompts written for a small vision-language model (short and concrete).
 * The prompts stay in English, the language these models follow best; where the model can
 * write the UI language, the answer is asked for in it (see withAnswerLanguage).
 */
export const QUICK_ACTIONS = [
  {
    id: 'describe',
    label: 'chat.quick.describe',
    prompt:
      'Describe this image in a few sentences: the main subject, the setting, the colours, and anything unusual.',
    inUiLanguage: true,
  },
  {
    id: 'read-text',
    label: 'chat.quick.readText',
    prompt:
      'Read all the text in this image exactly as written, line by line, keeping the original language. If there is no text, say "No text found."',
    // The text is read in its own language, whatever the UI's.
    inUiLanguage: false,
  },
  {
    id: 'alt-text',
    label: 'chat.quick.altText',
    prompt:
      'Write alt text for this image: one sentence of at most 125 characters for someone who cannot see it. Do not start with "Image of" or "Picture of".',
    inUiLanguage: true,
  },
] as const;
export type QuickActionId = (typeof QUICK_ACTIONS)[number]['id'];

/** "Describe this page's images": one description per image, short enough to hear in passing. */
export const PAGE_IMAGE_PROMPT =
  'Describe this image in one or two sentences for someone who cannot see it: what it shows, and any text in it.';
/** Caps one description, so one image never holds the engine for long (other tabs wait at most this). */
export const PAGE_IMAGE_MAX_TOKENS = 96;

/** In which language answers are asked for, for one model and UI language. */
export interface AnswerLanguage {
  /** The UI's language (BCP 47). */
  locale: string;
  /** True when the prompt asks for the UI language; false: the model answers in English. */
  asked: boolean;
}

/**
 * The registry's SmolVLM2 models write English only (their model cards list English, their
 * text backbone SmolLM2 was trained on English). Asked for German they answer in English or in
 * broken German, so Glimpse doesn't ask them and says answers are in English. A custom model may
 * be a multilingual export: it is asked.
 */
export function writesOnlyEnglish(modelId: string): boolean {
  return MODELS.some((m) => m.id === modelId);
}

export function answerLanguageFor(modelId: string, locale: string): AnswerLanguage {
  return { locale, asked: !locale.startsWith('en') && !writesOnlyEnglish(modelId) };
}

/** The language's English name, as the model is told it ("German", "Simplified Chinese"). */
export function englishNameOf(locale: string): string {
  const tag = locale === 'zh-CN' ? 'zh-Hans' : locale;
  return new Intl.DisplayNames(['en'], { type: 'language' }).of(tag) ?? locale;
}

/** The prompt, asking for the UI language when the model can write it. */
export function withAnswerLanguage(
  prompt: string,
  language: AnswerLanguage | undefined,
  inUiLanguage = true,
): string {
  if (!language?.asked || !inUiLanguage) return prompt;
  return `${prompt} Answer in ${englishNameOf(language.locale)}.`;
}
