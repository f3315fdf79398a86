import { describe, expect, test } from 'vitest';
import { decodeProfile, type SessionRun, timeSessionRuns } from '@/src/vlm/transformers-adapter';

describe('decodeProfile', () => {
  const run = (session: string, startedAt: number, ms: number): SessionRun => ({
    session,
    startedAt,
    ms,
  });

  test('counts only the runs after the first token, per later token', () => {
    const runs = [
      run('vision_encoder', 0, 900), // the prefill step: not decode
      run('embed_tokens', 900, 5),
      run('decoder_model_merged', 905, 95),
      // first token at 1000; two more tokens, each one step
      run('embed_tokens', 1001, 2),
      run('decoder_model_merged', 1003, 60),
      run('embed_tokens', 1071, 2),
      run('decoder_model_merged', 1073, 64),
    ];
    expect(decodeProfile(runs, 1000, 1140, 3)).toEqual({
      msPerToken: 70,
      ortMsPerToken: 64,
      decoderMsPerToken: 62,
    });
  });

  test('has nothing to say about a one-token answer', () => {
    expect(decodeProfile([run('decoder_model_merged', 5, 1)], 1, 10, 1)).toBeUndefined();
  });
});

describe('timeSessionRuns', () => {
  test("times each session's run and hands the runs over once", async () => {
    let clock = 0;
    const sessions = {
      embed_tokens: { run: async () => (clock += 2) },
      decoder_model_merged: { run: async () => (clock += 30) },
    };
    const model = { sessions } as unknown as Parameters<typeof timeSessionRuns>[0];
    const timer = timeSessionRuns(model, () => clock);
    await sessions.embed_tokens.run();
    await sessions.decoder_model_merged.run();
    expect(timer.take()).toEqual([
      { session: 'embed_tokens', startedAt: 0, ms: 2 },
      { session: 'decoder_model_merged', startedAt: 2, ms: 30 },
    ]);
    expect(timer.take()).toEqual([]);
  });

  test('a failing run is still timed, and its error still reaches the caller', async () => {
    let clock = 0;
    const sessions = {
      decoder_model_merged: {
        run: async () => {
          clock += 7;
          throw new Error('out of memory');
        },
      },
    };
    const model = { sessions } as unknown as Parameters<typeof timeSessionRuns>[0];
    const timer = timeSessionRuns(model, () => clock);
    await expect(sessions.decoder_model_merged.run()).rejects.toThrow('out of memory');
    expect(timer.take()).toEqual([{ session: 'decoder_model_merged', startedAt: 0, ms: 7 }]);
  });
});
