import { setupOffscreenEngine } from '@/src/vlm/setup-offscreen';

// transformers.js is imported by the engine when it loads a model, on the onnxruntime-web
// build that backend runs fastest on (src/vlm/ort-runtime.ts).
setupOffscreenEngine();
