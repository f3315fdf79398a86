import { describe, expect, test } from 'vitest';
import type { ChatTransport } from '@/src/chat/ask-transport';
import { ChatModel } from '@/src/chat/chat-model';
import {
  type HostAccessNeed,
  hostAccessElsewhere,
  missingHostAccess,
  requestHostAccess,
} from '@/src/chat/host-access';

const granted = (origins: string[]) => ({
  contains: async ({ origins: asked }: { origins: string[] }) =>
    asked.every((o) => origins.includes(o)),
});

describe('host access (Firefox MV3: host permissions are the user’s to grant)', () => {
  test('an http(s) image the extension reads needs its host granted', async () => {
    const image = { kind: 'url' as const, url: 'https://cdn.example.org:8443/a/cat.png?x=1' };
    expect(await missingHostAccess(image, granted([]))).toEqual({
      origin: 'https://cdn.example.org/*',
      host: 'cdn.example.org',
    });
    expect(await missingHostAccess(image, granted(['https://cdn.example.org/*']))).toBeNull();
  });

  test('bytes the page handed over, data: URLs and no image need nothing', async () => {
    const none = granted([]);
    expect(
      await missingHostAccess({ kind: 'bytes', base64: 'AAAA', contentType: 'image/png' }, none),
    ).toBeNull();
    expect(
      await missingHostAccess({ kind: 'url', url: 'data:image/png;base64,AA' }, none),
    ).toBeNull();
    expect(await missingHostAccess(null, none)).toBeNull();
  });

  test('asking needs a permissions API: a content script has none', async () => {
    const need = { origin: 'https://a.example/*', host: 'a.example' };
    const asked: string[][] = [];
    const api = {
      request: async ({ origins }: { origins: string[] }) => {
        asked.push(origins);
        return true;
      },
    };
    expect(await requestHostAccess(need, api)).toBe(true);
    expect(asked).toEqual([['https://a.example/*']]);
    await expect(requestHostAccess(need, undefined)).rejects.toThrow();
  });
});

describe('panel model with host access missing', () => {
  const need: HostAccessNeed = { origin: 'https://a.example/*', host: 'a.example' };
  const transport: ChatTransport = {
    ask: () => {},
    cancel: () => {},
    endConversation: () => {},
    onStatus: () => {},
    close: () => {},
  };
  const make = (requestHostAccess?: (n: HostAccessNeed) => Promise<boolean>) =>
    new ChatModel({
      transport,
      image: { kind: 'url', url: 'https://a.example/cat.png' },
      newId: () => crypto.randomUUID(),
      copy: async () => {},
      openSettings: () => {},
      hostAccess: need,
      ...(requestHostAccess ? { requestHostAccess } : {}),
    });

  test('cannot ask until the user allows it; a yes from the browser unlocks the panel', async () => {
    const model = make(async () => true);
    expect(model.canAsk.value).toBe(false);
    await model.allowHostAccess();
    expect(model.hostAccess.value).toBeNull();
    expect(model.canAsk.value).toBe(true);
  });

  test('a no keeps the sentence and the button; no API says where to allow it instead', async () => {
    const refused = make(async () => false);
    await refused.allowHostAccess();
    expect(refused.hostAccess.value).toEqual(need);
    expect(refused.canAsk.value).toBe(false);

    const noApi = make(async () => {
      throw new Error('no permissions API in this context');
    });
    await noApi.allowHostAccess();
    expect(noApi.hostAccessHelp.value).toBe(hostAccessElsewhere('a.example'));
  });
});
