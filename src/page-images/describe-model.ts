import { computed, createModel, type Signal, signal } from '@preact/signals';
import type { ChatTransport } from '@/src/chat/ask-transport';
import type { EngineStatus, ImageInput, ImageRead, PageImageInfo } from '@/src/messaging/protocol';

export type ImageState = 'waiting' | 'reading' | 'describing' | 'done' | 'error' | 'stopped';

export interface DescribedImage {
  info: PageImageInfo;
  /** Its place in the list, from 1. */
  position: number;
  state: Signal<ImageState>;
  text: Signal<string>;
  error: Signal<string | null>;
  thumbnail: Signal<string>;
  /** Requests ahead of it in the engine's queue (any tab's) while it waits. */
  ahead: Signal<number>;
  /** 1 for the first description to finish, 2 for the next… (null until it is done). */
  finished: Signal<number | null>;
}

export interface DescribeDeps {
  transport: ChatTransport;
  images: PageImageInfo[];
  /** Reads image `index` for the engine (the page's content script reads blob: images). */
  read(index: number): Promise<ImageRead>;
  reveal(index: number): Promise<void>;
  /** Only called while "add descriptions to the page" is on. */
  annotate(index: number, text: string): Promise<void>;
  unannotate(): Promise<void>;
  copy(text: string): Promise<void>;
  exposeSetting: { get(): Promise<boolean>; set(on: boolean): Promise<void> };
  thumbnail(image: ImageInput | null): Promise<string>;
  newId(): string;
  prompt: string;
  maxNewTokens: number;
  text: {
    progress(position: number, total: number): string;
    finished(done: number, total: number): string;
    stopped(done: number, total: number): string;
    copyFailed: string;
    readFailed: string;
  };
}

/**
 * Describes a page's images one after another, in page order. Each image is its own request
 * on the ask port, sent only when the one before has ended, so the engine's fair queue can put
 * any other tab's question before the next image: a page of 50 images holds the engine for one
 * description at a time, never for a batch.
 */
export const DescribeModel = createModel((deps: DescribeDeps) => {
  const items: DescribedImage[] = deps.images.map((info, i) => ({
    info,
    position: i + 1,
    state: signal<ImageState>('waiting'),
    text: signal(''),
    error: signal<string | null>(null),
    thumbnail: signal(''),
    ahead: signal(0),
    finished: signal<number | null>(null),
  }));
  const total = items.length;
  const running = signal(false);
  const status = signal<EngineStatus>({ state: 'idle' });
  const announcement = signal('');
  const expose = signal(false);
  const copied = signal<number | null>(null);
  const current = signal<DescribedImage | null>(null);
  const doneCount = computed(() => items.filter((i) => i.state.value === 'done').length);
  const remaining = computed(() => items.filter((i) => i.state.value !== 'done').length);
  let stopRequested = false;
  let activeRequest: string | null = null;
  let finishedSerial = 0;

  deps.transport.onStatus((next) => {
    status.value = next;
  });
  void deps.exposeSetting.get().then(
    (on) => {
      expose.value = on;
    },
    () => undefined,
  );
  for (const item of items) {
    if (item.info.srcUrl)
      void deps
        .thumbnail({ kind: 'url', url: item.info.srcUrl })
        .then((url) => {
          item.thumbnail.value = url;
        })
        .catch(() => undefined);
  }

  function describeOne(item: DescribedImage, image: ImageInput): Promise<ImageState> {
    return new Promise((resolve) => {
      const requestId = deps.newId();
      const conversationId = deps.newId();
      activeRequest = requestId;
      item.state.value = 'describing';
      item.text.value = '';
      const end = (state: ImageState) => {
        activeRequest = null;
        // One image, one conversation: free it in the engine at once.
        deps.transport.endConversation(conversationId);
        item.state.value = state;
        resolve(state);
      };
      deps.transport.ask(
        {
          requestId,
          conversationId,
          question: deps.prompt,
          image,
          maxNewTokens: deps.maxNewTokens,
        },
        (event) => {
          switch (event.type) {
            case 'queued':
              item.ahead.value = event.ahead;
              return;
            case 'token':
              item.text.value += event.text;
              return;
            case 'done':
              item.text.value = item.text.value.trim();
              item.finished.value = ++finishedSerial;
              end('done');
              return;
            case 'cancelled':
              item.text.value = '';
              end('stopped');
              return;
            case 'error':
              item.error.value = event.message;
              end('error');
              return;
          }
        },
      );
    });
  }

  async function describe(item: DescribedImage): Promise<ImageState> {
    item.error.value = null;
    item.state.value = 'reading';
    const read = await deps
      .read(item.info.index)
      .catch((): ImageRead => ({ problem: deps.text.readFailed }));
    if (stopRequested) {
      item.state.value = 'stopped';
      return 'stopped';
    }
    if ('problem' in read) {
      item.error.value = read.problem;
      item.state.value = 'error';
      return 'error';
    }
    if (!item.thumbnail.value)
      void deps.thumbnail(read.image).then((url) => {
        item.thumbnail.value = url;
      });
    return describeOne(item, read.image);
  }

  /** Describes every image not described yet, in page order, until the end or Stop. */
  async function run() {
    if (running.value) return;
    running.value = true;
    stopRequested = false;
    for (const item of items) {
      if (item.state.value === 'done') continue;
      if (stopRequested) break;
      current.value = item;
      announcement.value = deps.text.progress(item.position, total);
      const state = await describe(item);
      if (state === 'done' && expose.value)
        await deps.annotate(item.info.index, item.text.value).catch(() => undefined);
      if (state === 'stopped') break;
    }
    current.value = null;
    running.value = false;
    announcement.value = stopRequested
      ? deps.text.stopped(doneCount.value, total)
      : deps.text.finished(doneCount.value, total);
  }

  return {
    /** The listed images (the list itself never changes; each item's signals do). */
    items: signal(items),
    total: signal(total),
    running,
    status,
    announcement,
    expose,
    copied,
    current,
    doneCount,
    remaining,
    /** Starts (or carries on after Stop): the images not described yet. */
    start() {
      void run();
    },
    stop() {
      if (!running.value) return;
      stopRequested = true;
      if (activeRequest) deps.transport.cancel(activeRequest);
    },
    reveal(item: DescribedImage) {
      void deps.reveal(item.info.index).catch(() => undefined);
    },
    async copy(item: DescribedImage) {
      try {
        await deps.copy(item.text.value);
        copied.value = item.info.index;
      } catch {
        item.error.value = deps.text.copyFailed;
      }
    },
    /** "Add descriptions to the page": on adds every finished one, off takes them all out. */
    async setExpose(on: boolean) {
      expose.value = on;
      await deps.exposeSetting.set(on).catch(() => undefined);
      if (!on) {
        await deps.unannotate().catch(() => undefined);
        return;
      }
      for (const item of items)
        if (item.state.value === 'done')
          await deps.annotate(item.info.index, item.text.value).catch(() => undefined);
    },
    close() {
      stopRequested = true;
      if (activeRequest) deps.transport.cancel(activeRequest);
      deps.transport.close();
    },
  };
});
export type DescribeModelInstance = InstanceType<typeof DescribeModel>;
