import { uiLocale } from '@/src/i18n/i18n';
import { modelName } from '@/src/vlm/model-registry';
import { DEFAULT_SETTINGS, defineSettingsItem, readSettings } from '@/src/vlm/settings';
import { type AnswerLanguage, answerLanguageFor, writesOnlyEnglish } from './prompts';

export interface AnswerLanguageSetup {
  language: AnswerLanguage;
  /** The model's name when the UI isn't English and the model writes English only (for a note). */
  englishOnlyModel?: string;
}

/** For the model chosen in Options: whether answers are asked for in the UI language. */
export async function loadAnswerLanguage(): Promise<AnswerLanguageSetup> {
  const settings = await readSettings(defineSettingsItem()).catch(() => DEFAULT_SETTINGS);
  const locale = uiLocale();
  const language = answerLanguageFor(settings.modelId, locale);
  const englishOnly = !locale.startsWith('en') && writesOnlyEnglish(settings.modelId);
  return {
    language,
    ...(englishOnly ? { englishOnlyModel: modelName(settings.modelId) } : {}),
  };
}
