import { computed, createModel, signal } from '@preact/signals';
import type { EngineStatus } from '@/src/messaging/protocol';
import { describeRun, describeStatus } from '@/src/vlm/status-format';
import type { EngineStatusSource, LastRun } from '@/src/vlm/status-store';

export const EngineStatusModel = createModel((source: EngineStatusSource) => {
  const status = signal<EngineStatus>({ state: 'idle' });
  const lastRun = signal<LastRun | null>(null);
  const modelId = signal('');
  const cachedBytes = signal<number | null>(null);

  const view = computed(() => describeStatus(status.value));
  const measured = computed(() => (lastRun.value ? describeRun(lastRun.value.stats) : null));

  async function refresh() {
    const [s, run, id] = await Promise.all([source.status(), source.lastRun(), source.modelId()]);
    const stateChanged = s.state !== status.value.state || cachedBytes.value === null;
    status.value = s;
    lastRun.value = run;
    modelId.value = id;
    // The cache only changes when a download ends: no need to scan it on every progress tick.
    if (stateChanged) cachedBytes.value = await source.cachedBytes().catch(() => null);
  }
  void refresh();
  const unwatch = source.watch(() => void refresh());

  return { status, lastRun, modelId, cachedBytes, view, measured, refresh, dispose: unwatch };
});
export type EngineStatusModelInstance = InstanceType<typeof EngineStatusModel>;
