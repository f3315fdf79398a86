/** The quick actions: prompts written for a small vision-language model (short and concrete). */
export const QUICK_ACTIONS = [
  {
    id: 'describe',
    label: 'Describe',
    prompt:
      'Describe this image in a few sentences: the main subject, the setting, the colours, and anything unusual.',
  },
  {
    id: 'read-text',
    label: 'Read the text',
    prompt:
      'Read all the text in this image exactly as written, line by line, keeping the original language. If there is no text, say "No text found."',
  },
  {
    id: 'alt-text',
    label: 'Write alt text',
    prompt:
      'Write alt text for this image: one sentence of at most 125 characters for someone who cannot see it. Do not start with "Image of" or "Picture of".',
  },
] as const;
export type QuickActionId = (typeof QUICK_ACTIONS)[number]['id'];

/** "Describe this page's images": one description per image, short enough to hear in passing. */
export const PAGE_IMAGE_PROMPT =
  'Describe this image in one or two sentences for someone who cannot see it: what it shows, and any text in it.';
/** Caps one description, so one image never holds the engine for long (other tabs wait at most this). */
export const PAGE_IMAGE_MAX_TOKENS = 96;
