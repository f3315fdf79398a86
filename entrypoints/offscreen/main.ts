import { setupEnginePage } from '@/src/vlm/engine-page';

// Chrome: the offscreen document. Firefox: a frame in the event page, which must not unload
// while an answer runs. The engine runs in a worker of this page (src/vlm/engine-worker.ts).
setupEnginePage({
  keepAliveWhileWorking: import.meta.env.FIREFOX,
  startWorker: () =>
    new Worker(new URL('./engine-worker.ts', import.meta.url), {
      type: 'module',
      name: 'glimpse-engine',
    }),
});
