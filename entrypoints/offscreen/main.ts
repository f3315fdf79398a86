import { setupOffscreenEngine } from '@/src/vlm/setup-offscreen';

// Chrome: the offscreen document. Firefox: a frame in the event page, which must not unload
// while an answer runs. transformers.js is imported by the engine when it loads a model, on the
// onnxruntime-web build that backend runs fastest on (src/vlm/ort-runtime.ts).
setupOffscreenEngine({ keepAliveWhileWorking: import.meta.env.FIREFOX });
