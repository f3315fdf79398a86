import * as transformers from '@huggingface/transformers';
import { setupOffscreenEngine } from '@/src/vlm/setup-offscreen';

// Chrome: the offscreen document. Firefox: a frame in the event page, which must not unload
// while an answer runs.
setupOffscreenEngine(transformers, { keepAliveWhileWorking: import.meta.env.FIREFOX });
