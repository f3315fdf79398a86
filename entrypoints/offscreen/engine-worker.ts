import { type EngineWorkerScope, runEngineWorker } from '@/src/vlm/engine-worker';

// The engine's dedicated worker, started by the engine page (./main.ts).
runEngineWorker(self as unknown as EngineWorkerScope);
