import * as v from 'valibot';
import { ToolIdSchema } from '@/src/verdicts/comparison';
import type { VoteState } from '@/src/verdicts/vote-ledger';

/**
 * The one protocol between Glimpse's contexts. Requests are validated on arrival:
 * a message that does not parse is dropped, whoever sent it.
 */
export const RequestSchema = v.variant('type', [
  v.object({ type: v.literal('votes/get') }),
  v.object({ type: v.literal('votes/cast'), choice: ToolIdSchema }),
  v.object({ type: v.literal('votes/withdraw') }),
]);
export type Request = v.InferOutput<typeof RequestSchema>;
export type RequestType = Request['type'];
export type RequestOf<T extends RequestType> = Extract<Request, { type: T }>;

export interface ResponseMap {
  'votes/get': VoteState;
  'votes/cast': VoteState;
  'votes/withdraw': VoteState;
}
export type ResponseFor<T extends RequestType> = ResponseMap[T];

export type Reply<T> = { ok: true; value: T } | { ok: false; error: string };
