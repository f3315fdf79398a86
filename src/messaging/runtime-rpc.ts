import * as v from 'valibot';
import { browser } from 'wxt/browser';
import {
  type Reply,
  type RequestOf,
  RequestSchema,
  type RequestType,
  type ResponseFor,
} from './protocol';
import { toUserMessage, UserFacingError } from './user-error';

/** The part of a runtime message sender we check. */
export interface SenderInfo {
  id?: string | undefined;
  /** The page that sent it; for the panel's frame, its chrome-extension:// URL. */
  url?: string | undefined;
  /** The tab it came from (content scripts, and extension pages framed in a tab). */
  tab?: { id?: number | undefined } | undefined;
}

/** Only Glimpse's own pages and content scripts may talk to the background. */
export function isOwnExtension(sender: SenderInfo, ownId: string): boolean {
  return typeof sender.id === 'string' && sender.id === ownId;
}

export type RequestHandlers = {
  [T in RequestType]: (request: RequestOf<T>, sender: SenderInfo) => Promise<ResponseFor<T>>;
};

type OnMessage = {
  addListener(
    cb: (message: unknown, sender: SenderInfo, sendResponse: (reply: unknown) => void) => boolean,
  ): void;
};

export interface RpcServerRuntime {
  id: string;
  onMessage: OnMessage;
}

export function serveRequests(
  handlers: Partial<RequestHandlers>,
  runtime: RpcServerRuntime = browser.runtime as unknown as RpcServerRuntime,
): void {
  runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (!isOwnExtension(sender, runtime.id)) return false;
    const parsed = v.safeParse(RequestSchema, message);
    if (!parsed.success) return false;
    const request = parsed.output;
    const handler = handlers[request.type] as
      | ((r: typeof request, s: SenderInfo) => Promise<ResponseFor<typeof request.type>>)
      | undefined;
    if (!handler) return false;
    handler(request, sender).then(
      (value) => sendResponse({ ok: true, value } satisfies Reply<unknown>),
      (error: unknown) =>
        sendResponse({ ok: false, error: toUserMessage(error) } satisfies Reply<unknown>),
    );
    return true; // keeps the channel open for the async answer
  });
}

/** A request that got no answer or an error answer; its message is already a sentence. */
export class RequestFailed extends UserFacingError {
  override name = 'RequestFailed';
}

/** Nobody listened: the other context is not there (no content script yet, worker restarting). */
export class NoReceiver extends RequestFailed {
  override name = 'NoReceiver';
}

export interface RpcClientRuntime {
  sendMessage(message: unknown): Promise<unknown>;
}

export async function sendRequest<R extends RequestOf<RequestType>>(
  request: R,
  runtime: RpcClientRuntime = browser.runtime as unknown as RpcClientRuntime,
): Promise<ResponseFor<R['type']>> {
  let reply: Reply<ResponseFor<R['type']>> | undefined;
  try {
    reply = (await runtime.sendMessage(request)) as Reply<ResponseFor<R['type']>> | undefined;
  } catch {
    reply = undefined;
  }
  if (!reply)
    throw new NoReceiver("Glimpse's background service didn't answer. Try again in a moment.");
  if (!reply.ok) throw new RequestFailed(reply.error);
  return reply.value;
}
