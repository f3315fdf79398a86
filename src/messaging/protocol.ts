import * as v from 'valibot';
import { ToolIdSchema } from '@/src/verdicts/comparison';
import type { VoteState } from '@/src/verdicts/vote-state';

/**
 * The one protocol between Glimpse's contexts. Requests are validated on arrival:
 * a message that does not parse is dropped, whoever sent it.
 */
const id = v.pipe(v.string(), v.nonEmpty(), v.maxLength(200));

export const ImageInputSchema = v.variant('kind', [
  /** http(s) or data: — read by the extension itself, with its host permission. */
  v.object({ kind: v.literal('url'), url: v.pipe(v.string(), v.maxLength(64 * 1024 * 1024)) }),
  /** Bytes only the page could read (blob: URLs), as base64. */
  v.object({
    kind: v.literal('bytes'),
    base64: v.pipe(v.string(), v.maxLength(64 * 1024 * 1024)),
    contentType: v.pipe(v.string(), v.maxLength(200)),
  }),
]);
export type ImageInput = v.InferOutput<typeof ImageInputSchema>;

const RectSchema = v.object({
  x: v.number(),
  y: v.number(),
  width: v.number(),
  height: v.number(),
});
export type Rect = v.InferOutput<typeof RectSchema>;

/** What the frame holding a right-clicked image reports about it. */
export interface InspectedImage {
  /** How the engine can read it; null with `problem` when it cannot. */
  image: ImageInput | null;
  problem?: string;
  /** Where the image is, in the frame's viewport coordinates; null when not found in the page. */
  rect: Rect | null;
  alt: string;
}

/** What a frame answers when asked which image the user is on (the keyboard command). */
export type PickedImage =
  | { found: true; srcUrl: string; inspected: InspectedImage }
  /** Focus is inside a cross-origin frame: ask the frame that has focus. */
  | { found: false; focusInFrame: true }
  | { found: false; focusInFrame?: false };

/** What asking about "the image I'm on" (keyboard command, popup button) came to. */
export type PageActionOutcome = 'opened' | 'no-image' | 'unavailable';

/** One image the page-images panel lists: where it is and what its alt says, not its bytes. */
export interface PageImageInfo {
  /** The content script's number for it, in page order, for this scan. */
  index: number;
  /** http(s) address for the thumbnail; '' for data: and blob: images (read on demand). */
  srcUrl: string;
  /** Its alt text as it is (a file name, "photo"...) or ''. */
  alt: string;
  width: number;
  height: number;
  inFrame: boolean;
}

/** The page-images panel's session: the tab's unlabelled, meaningful images. */
export interface PageImagesSession {
  tabId: number;
  images: PageImageInfo[];
  /** How many images the page has in all (top and same-origin frames). */
  checked: number;
}

/** An image read for the engine, or the sentence saying why it can't be. */
export type ImageRead = { image: ImageInput } | { problem: string };

/** What the panel's frame gets from the background: the image, never from the page. */
export interface PanelSession {
  /** The tab the panel is in (the side panel opens there). */
  tabId: number;
  srcUrl: string;
  image: ImageInput | null;
  problem?: string;
  alt: string;
  /** Host access the user has not granted (Firefox MV3): the panel asks for it first. */
  hostAccess?: { origin: string; host: string };
}

/** A conversation moved from the in-page panel to the side panel, with the same engine state. */
export interface HandedOverConversation {
  conversationId: string;
  srcUrl: string;
  image: ImageInput | null;
  alt: string;
  turns: { question: string; answer: string; label?: string }[];
}

export const RequestSchema = v.variant('type', [
  /** Background → the frame with the right-clicked image: find it, and read it if only the page can. */
  v.object({
    type: v.literal('image/inspect'),
    srcUrl: v.pipe(v.string(), v.maxLength(64 * 1024 * 1024)),
  }),
  /**
   * Background → a frame: which image is the user on? The focused image (or the one in the
   * focused link), else the one under the pointer, else the largest on screen (keyboard command).
   */
  v.object({ type: v.literal('image/pick') }),
  /** Background → the tab's top frame: show a short Glimpse notice; it names no page content. */
  v.object({ type: v.literal('notice/show'), notice: v.picklist(['no-image']) }),
  /** Popup → background: ask about the image the user is on in the current tab. */
  v.object({ type: v.literal('page/ask-image') }),
  /** Popup → background: describe the current tab's images. */
  v.object({ type: v.literal('page/describe-images') }),
  // ─── Describe this page's images. The panel frame asks the background, which asks the tab's
  // top frame with the same message (content scripts never get runtime messages). ───
  /** Background → top frame: list the page's images. */
  v.object({ type: v.literal('page-images/scan') }),
  /** Background → top frame: place the page-images panel's frame. */
  v.object({ type: v.literal('page-images/open') }),
  /** The page-images panel → background: my tab's list. */
  v.object({ type: v.literal('page-images/session') }),
  /** Panel → background → top frame: read image `index` for the engine. */
  v.object({ type: v.literal('page-images/read'), index: v.pipe(v.number(), v.integer()) }),
  /** Panel → background → top frame: scroll to image `index` and highlight it. */
  v.object({ type: v.literal('page-images/reveal'), index: v.pipe(v.number(), v.integer()) }),
  /**
   * Panel → background → top frame, only while "add descriptions to the page" is on: offer
   * this description to assistive technology beside image `index`.
   */
  v.object({
    type: v.literal('page-images/annotate'),
    index: v.pipe(v.number(), v.integer()),
    text: v.pipe(v.string(), v.maxLength(4000)),
  }),
  /** Panel → background → top frame: take every description back out of the page. */
  v.object({ type: v.literal('page-images/unannotate') }),
  // ─── The in-page panel: an extension page in a frame the content script places ───
  /**
   * Background → the tab's top frame: place the panel's frame beside this image. Carries no
   * image and no text: the frame fetches its session from the background itself.
   */
  v.object({
    type: v.literal('chat/open'),
    srcUrl: v.pipe(v.string(), v.maxLength(64 * 1024 * 1024)),
    /** The image's rect in its own frame, and that frame's URL when it is not the top frame. */
    rect: v.nullable(RectSchema),
    frameUrl: v.optional(v.string()),
  }),
  /** Background → the tab's top frame: remove the panel's frame and give focus back. */
  v.object({ type: v.literal('chat/close') }),
  /**
   * Background → the tab's top frame: Tab left the panel's frame at one end. Focus goes on in
   * the page as if the panel sat right after its image: back to the image, or on past it.
   */
  v.object({ type: v.literal('chat/focus-out'), direction: v.picklist(['next', 'previous']) }),
  /** The panel's frame → background: the image this tab's panel is about. */
  v.object({ type: v.literal('panel/session') }),
  /** The panel's frame → background: close me (Esc or the close button). */
  v.object({ type: v.literal('panel/close') }),
  /** The panel's frame → background: Tab (or Shift+Tab) went past its last (or first) control. */
  v.object({ type: v.literal('panel/focus-out'), direction: v.picklist(['next', 'previous']) }),
  /** The panel's frame → background: this conversation continues in the tab's side panel. */
  v.object({
    type: v.literal('panel/hand-over'),
    conversationId: id,
    turns: v.pipe(
      v.array(
        v.object({
          question: v.pipe(v.string(), v.maxLength(4000)),
          answer: v.pipe(v.string(), v.maxLength(200_000)),
          label: v.optional(v.pipe(v.string(), v.maxLength(200))),
        }),
      ),
      v.maxLength(200),
    ),
  }),
  /** The side panel → background: the tab's recent conversations, newest first. */
  v.object({
    type: v.literal('sidepanel/conversations'),
    tabId: v.pipe(v.number(), v.integer()),
  }),
  /** Offscreen → background: nothing was asked for the idle timeout; close me. */
  /** A content script's panel asks for the Options page (content scripts cannot open it). */
  v.object({ type: v.literal('options/open') }),
  v.object({ type: v.literal('engine/idle') }),
  /** Background → offscreen: connect your engine port (the service worker restarted). */
  v.object({ type: v.literal('engine/connect') }),
  /** Firefox engine frame → event page: an answer is running, don't unload yet. */
  v.object({ type: v.literal('engine/keepalive') }),
  v.object({ type: v.literal('votes/get') }),
  v.object({ type: v.literal('votes/cast'), choice: ToolIdSchema }),
  v.object({ type: v.literal('votes/withdraw') }),
  /** The popup opened: send the votes that wait and fetch a fresh community tally. */
  v.object({ type: v.literal('votes/sync-now') }),
]);
export type Request = v.InferOutput<typeof RequestSchema>;
export type RequestType = Request['type'];
export type RequestOf<T extends RequestType> = Extract<Request, { type: T }>;

export interface ResponseMap {
  'image/inspect': InspectedImage;
  'image/pick': PickedImage;
  'notice/show': { shown: boolean };
  'page/ask-image': { outcome: PageActionOutcome };
  'page/describe-images': { outcome: PageActionOutcome };
  'page-images/scan': { images: PageImageInfo[]; checked: number };
  'page-images/open': { opened: boolean };
  'page-images/session': PageImagesSession | null;
  'page-images/read': ImageRead;
  'page-images/reveal': { shown: boolean };
  'page-images/annotate': { added: boolean };
  'page-images/unannotate': { removed: number };
  'chat/open': { opened: boolean };
  'chat/close': { closed: boolean };
  'chat/focus-out': { moved: boolean };
  'panel/session': PanelSession | null;
  'panel/close': { closed: boolean };
  'panel/focus-out': { moved: boolean };
  'panel/hand-over': { kept: boolean };
  'sidepanel/conversations': HandedOverConversation[];
  'options/open': { opened: boolean };
  'engine/idle': { closed: boolean };
  'engine/connect': { connected: boolean };
  'engine/keepalive': { alive: boolean };
  'votes/get': VoteState;
  'votes/cast': VoteState;
  'votes/withdraw': VoteState;
  'votes/sync-now': { started: boolean };
}
export type ResponseFor<T extends RequestType> = ResponseMap[T];

export type Reply<T> = { ok: true; value: T } | { ok: false; error: string };

// ─── On-device model: asking, streaming, status ─────────────────────────────────────────────

export const ASK_PORT = 'glimpse-ask';
/** The side panel's ask port for one tab: `glimpse-ask:tab-<id>`, so it shares the tab's ids. */
export const sidePanelAskPort = (tabId: number) => `${ASK_PORT}:tab-${tabId}`;
export const ENGINE_PORT = 'glimpse-engine';

export type Backend = 'webgpu' | 'wasm';
export type BackendPreference = 'auto' | Backend;
export const MODEL_MODULES = ['vision_encoder', 'embed_tokens', 'decoder_model_merged'] as const;
export type ModelModule = (typeof MODEL_MODULES)[number];
export const DTYPES = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'] as const;
export type Dtype = (typeof DTYPES)[number];
export type DtypeMap = Record<ModelModule, Dtype>;

export interface FileProgress {
  file: string;
  loaded: number;
  total: number;
}

export type EngineStatus =
  | { state: 'idle' }
  | { state: 'downloading'; modelId: string; files: FileProgress[] }
  | { state: 'loading'; modelId: string; backend: Backend }
  | {
      state: 'ready';
      modelId: string;
      backend: Backend;
      backendReason: string;
      dtypes: DtypeMap;
      /** The onnxruntime-web build loaded: plain (WASM only), jspi or asyncify. */
      ortBuild?: 'plain' | 'jspi' | 'asyncify';
      /** A sentence about something the user should know, e.g. a fallback to WASM. */
      notice?: string;
    }
  | { state: 'error'; modelId: string; message: string };

export interface GenerationStats {
  backend: Backend;
  modelId: string;
  /** Tokens fed to the model for this turn only (a follow-up reuses the cached prefix). */
  promptTokens: number;
  imageTokens: number;
  newTokens: number;
  ttftMs: number;
  tokensPerSecond: number;
  totalMs: number;
  /** True when the turn reused the conversation's KV cache instead of re-encoding the image. */
  reusedCache: boolean;
  /** Time this request spent loading the model (download or cache), 0 when it was loaded. */
  loadMs: number;
  /** CPU threads onnxruntime-web ran on (WASM only): 1 unless the offscreen page is cross-origin isolated. */
  threads?: number;
  /** A sentence about this turn the user should see, e.g. that a long conversation started over. */
  notice?: string;
  /** The onnxruntime-web build that ran it (browser only). */
  ortBuild?: 'plain' | 'jspi' | 'asyncify';
  /** First turn: time reading the image into the cache (encoder + prefix), early or in this turn. */
  prefillMs?: number;
  /** First turn: the image was read while the panel waited for the question (not in `ttftMs`). */
  prefilledEarly?: boolean;
  /** Time from the click (the ask in the panel) to the first token; the panel fills it in. */
  clickTtftMs?: number;
  /** Where decode time went per token: inside onnxruntime (and its decoder alone) or around it. */
  decodeProfile?: DecodeProfile;
}

/** Where a turn's decode time went, per token after the first. */
export interface DecodeProfile {
  /** Wall time per decoded token. */
  msPerToken: number;
  /** Of it, inside onnxruntime: the decoder's run plus the embedding lookup's. */
  ortMsPerToken: number;
  /** Of that, the decoder's run alone (what the bench's raw ORT loop times). */
  decoderMsPerToken: number;
}

/** What reading an image ahead of the question cost. */
export interface PrefillStats {
  prefillMs: number;
  loadMs: number;
  imageTokens: number;
  promptTokens: number;
}

/** Settings the engine needs; the background reads them from storage and sends them along. */
export const EngineSettingsSchema = v.object({
  modelId: v.pipe(v.string(), v.nonEmpty()),
  remoteHost: v.pipe(v.string(), v.url()),
  backend: v.picklist(['auto', 'webgpu', 'wasm']),
  /**
   * 'auto' tiles only images larger than one tile; 'never' reads every image as one 64-token
   * view (faster, less detail); 'always' tiles every image, as the processor's default does.
   */
  splitImages: v.optional(v.picklist(['auto', 'never', 'always']), 'auto'),
  /** 'reencode' is transformers.js' documented flow (the image re-read every turn): for comparison. */
  followUps: v.optional(v.picklist(['kv-cache', 'reencode']), 'kv-cache'),
  dtypeOverrides: v.partial(
    v.object({
      vision_encoder: v.picklist(DTYPES),
      embed_tokens: v.picklist(DTYPES),
      decoder_model_merged: v.picklist(DTYPES),
    }),
  ),
});
// Input type: the two comparison knobs may be left out (they default to the fast paths).
export type EngineSettings = v.InferInput<typeof EngineSettingsSchema>;

const AskFields = {
  requestId: id,
  conversationId: id,
  question: v.pipe(v.string(), v.trim(), v.nonEmpty(), v.maxLength(4000)),
  /** Required on a conversation's first turn; follow-ups reuse the conversation's image. */
  image: v.optional(ImageInputSchema),
  maxNewTokens: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(4096))),
};

/** Requester (panel, popup, options) → background, on the ASK_PORT. */
export const AskPortMessageSchema = v.variant('type', [
  v.object({ type: v.literal('ask'), ...AskFields }),
  /**
   * The panel opened: read the image into the conversation's cache before any question. It gives
   * way to every question and ends with `prefilled`, `error` or `cancelled`.
   */
  v.object({
    type: v.literal('prefill'),
    requestId: id,
    conversationId: id,
    image: ImageInputSchema,
  }),
  v.object({ type: v.literal('cancel'), requestId: id }),
  v.object({ type: v.literal('end-conversation'), conversationId: id }),
  /** The panel's frame, before it closes: keep this conversation for the tab's side panel. */
  v.object({ type: v.literal('keep-conversation'), conversationId: id }),
]);
export type AskPortMessage = v.InferOutput<typeof AskPortMessageSchema>;
export type AskMessage = Extract<AskPortMessage, { type: 'ask' }>;
export type PrefillMessage = Extract<AskPortMessage, { type: 'prefill' }>;

/** How every request ends: exactly one of done, error or cancelled. */
export type RequestEnd =
  | { type: 'done'; requestId: string; stats: GenerationStats }
  | { type: 'prefilled'; requestId: string; stats: PrefillStats }
  | { type: 'error'; requestId: string; message: string }
  | { type: 'cancelled'; requestId: string };

/** Engine (offscreen) → background, on the ENGINE_PORT. */
export type EngineEvent =
  | { type: 'status'; status: EngineStatus }
  | { type: 'token'; requestId: string; text: string }
  | RequestEnd;

/** Background → requester, on the ASK_PORT. */
export type AskPortEvent =
  | EngineEvent
  /** The request waits; `ahead` counts the requests that will run before it (from any tab). */
  | { type: 'queued'; requestId: string; ahead: number };

/** Background → engine (offscreen), on the ENGINE_PORT. */
export type EngineCommand =
  | (AskMessage & { settings: EngineSettings & { idleMinutes?: number } })
  | (PrefillMessage & { settings: EngineSettings & { idleMinutes?: number } })
  | { type: 'cancel'; requestId: string }
  | { type: 'end-conversation'; conversationId: string };

export const EngineEventSchema = v.variant('type', [
  v.object({
    type: v.literal('status'),
    status: v.custom<EngineStatus>((s) => typeof s === 'object'),
  }),
  v.object({ type: v.literal('token'), requestId: id, text: v.string() }),
  v.object({
    type: v.literal('done'),
    requestId: id,
    stats: v.custom<GenerationStats>((s) => typeof s === 'object'),
  }),
  v.object({
    type: v.literal('prefilled'),
    requestId: id,
    stats: v.custom<PrefillStats>((s) => typeof s === 'object'),
  }),
  v.object({ type: v.literal('error'), requestId: id, message: v.string() }),
  v.object({ type: v.literal('cancelled'), requestId: id }),
]);

// ─── The engine page and its worker ─────────────────────────────────────────────────────────
// The engine runs in a dedicated worker of the engine page (Chrome's offscreen document, the
// frame in Firefox's event page). Every extension page of a browser shares one main thread in
// the extension's process, the panel's frame in a tab included: inference there froze typing.
// A dedicated worker hears only from the page that started it.

/** Engine page → its worker. */
export type EngineWorkerInbound =
  /** A command from the background's engine port, relayed as it came. */
  | { type: 'command'; command: EngineCommand }
  /** The background's engine port opened (again) or closed: a close cancels what runs. */
  | { type: 'port'; connected: boolean }
  /** The answer to `rasterise-svg`: pixels, or a sentence for the user. */
  | {
      type: 'svg-pixels';
      callId: number;
      pixels: { data: ArrayBuffer; width: number; height: number } | null;
      error?: string;
    };

/** Worker → its engine page. */
export type EngineWorkerOutbound =
  /** For the background's engine port. */
  | { type: 'event'; event: EngineEvent }
  /** Nothing was asked for the idle time: the background may close the page. */
  | { type: 'idle' }
  /** A request is running (Firefox: keep the event page loaded). */
  | { type: 'keepalive' }
  /** SVG needs an <img> to draw, which a worker lacks: the page rasterises it. */
  | { type: 'rasterise-svg'; callId: number; bytes: ArrayBuffer; mimeType: string };
