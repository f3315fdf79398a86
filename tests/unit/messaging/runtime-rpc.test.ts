import { beforeEach, describe, expect, test } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { RequestFailed, sendRequest, serveRequests } from '@/src/messaging/runtime-rpc';
import { GENERIC_FAILURE, UserFacingError } from '@/src/messaging/user-error';
import { EMPTY_LEDGER } from '@/src/verdicts/vote-ledger';
import { deviceOnlyState } from '@/src/verdicts/vote-state';

beforeEach(() => fakeBrowser.reset());

/** Delivers a message as Chromium would, with an explicit sender, and collects the answer. */
async function deliver(message: unknown, sender: { id?: string }) {
  let answer: unknown;
  const results = await fakeBrowser.runtime.onMessage.trigger(message, sender, (reply: unknown) => {
    answer = reply;
  });
  await new Promise((r) => setTimeout(r, 0));
  return { accepted: (results as unknown[]).some((r) => r === true), answer };
}

describe('runtime requests', () => {
  const state = deviceOnlyState(EMPTY_LEDGER);

  test('answers a valid request from the extension itself', async () => {
    serveRequests({ 'votes/get': async () => state });
    const { accepted, answer } = await deliver(
      { type: 'votes/get' },
      { id: fakeBrowser.runtime.id },
    );
    expect(accepted).toBe(true);
    expect(answer).toEqual({ ok: true, value: state });
  });

  test('rejects messages from other extensions, pages and unknown senders', async () => {
    let calls = 0;
    serveRequests({
      'votes/cast': async () => {
        calls++;
        return state;
      },
    });
    const message = { type: 'votes/cast', choice: 'smolvlm2-2b' };
    for (const sender of [{}, { id: 'another-extension' }]) {
      const { accepted, answer } = await deliver(message, sender);
      expect(accepted).toBe(false);
      expect(answer).toBeUndefined();
    }
    expect(calls).toBe(0);
  });

  test('drops malformed requests', async () => {
    serveRequests({ 'votes/cast': async () => state });
    const own = { id: fakeBrowser.runtime.id };
    for (const bad of [
      null,
      'votes/get',
      { type: 'votes/cast', choice: 'gpt' },
      { type: 'nope' },
    ]) {
      expect((await deliver(bad, own)).accepted).toBe(false);
    }
  });

  test('errors reach the caller as sentences, never as stack traces', async () => {
    serveRequests({
      'votes/get': async () => {
        throw new TypeError('Cannot read properties of undefined (reading "x")');
      },
      'votes/withdraw': async () => {
        throw new UserFacingError(
          'Your vote could not be saved. Free some disk space and try again.',
        );
      },
    });
    const own = { id: fakeBrowser.runtime.id };
    expect((await deliver({ type: 'votes/get' }, own)).answer).toEqual({
      ok: false,
      error: GENERIC_FAILURE,
    });
    expect((await deliver({ type: 'votes/withdraw' }, own)).answer).toEqual({
      ok: false,
      error: 'Your vote could not be saved. Free some disk space and try again.',
    });
  });

  test('the client turns error replies and silence into RequestFailed', async () => {
    const failing = { sendMessage: async () => ({ ok: false, error: 'No.' }) };
    await expect(sendRequest({ type: 'votes/get' }, failing)).rejects.toThrow(RequestFailed);
    const silent = { sendMessage: async () => undefined };
    await expect(sendRequest({ type: 'votes/get' }, silent)).rejects.toThrow(/didn't answer/);
    const ok = { sendMessage: async () => ({ ok: true, value: state }) };
    await expect(sendRequest({ type: 'votes/get' }, ok)).resolves.toEqual(state);
  });
});
