import * as transformers from '@huggingface/transformers';
import { setupOffscreenEngine } from '@/src/vlm/setup-offscreen';

setupOffscreenEngine(transformers);
