import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A loopback HTTP proxy in front of the real vote service, for the e2e suite: it passes every
 * request through unchanged, tells the test when a request has reached the service (so the
 * service can be killed in the middle of a batch), and can answer instead of the service with
 * a status the real one gives only under load or failure (429, 503). When the service is down
 * it drops the connection, as a refused or reset connection looks to the browser.
 */

export interface ProxiedRequest {
  method: string;
  path: string;
  at: number;
  /** The status the browser got; null when the connection was dropped. */
  status: number | null;
  /** True when the proxy answered itself (an injected fault). */
  injected: boolean;
  /** The answer's Retry-After header, when it had one. */
  retryAfter: string | null;
}

export interface InjectedAnswer {
  status: number;
  code: string;
  headers?: Record<string, string>;
}

interface Rule {
  path: string;
  answer: InjectedAnswer;
  times: number;
}

export interface FaultProxy {
  /** The address the extension is given. */
  url: string;
  log: ProxiedRequest[];
  /** The next `times` requests to `path` get this answer from the proxy, not the service. */
  answerNext(path: string, answer: InjectedAnswer, times?: number): void;
  /** Called once the body of a request to `path` has been handed to the service. */
  onForwarded(path: string, listener: (count: number) => void): void;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const log: ProxiedRequest[] = [];
  const rules: Rule[] = [];
  const listeners = new Map<string, (count: number) => void>();
  const forwarded = new Map<string, number>();
  const sockets = new Set<Socket>();

  function inject(res: ServerResponse, entry: ProxiedRequest, answer: InjectedAnswer) {
    entry.status = answer.status;
    entry.injected = true;
    entry.retryAfter = answer.headers?.['Retry-After'] ?? null;
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(JSON.stringify({ error: { code: answer.code, message: `injected ${answer.code}` } }));
  }

  function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    const entry: ProxiedRequest = {
      method: req.method ?? 'GET',
      path,
      at: Date.now(),
      status: null,
      injected: false,
      retryAfter: null,
    };
    log.push(entry);
    const rule = rules.find((r) => r.path === path && r.times > 0);
    if (rule) {
      rule.times -= 1;
      req.resume();
      req.once('end', () => inject(res, entry, rule.answer));
      return;
    }
    const out = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        entry.status = answer.statusCode ?? null;
        const retryAfter = answer.headers['retry-after'];
        entry.retryAfter = typeof retryAfter === 'string' ? retryAfter : null;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.once('error', () => res.destroy());
      },
    );
    // The service is gone (down, or killed mid-request): the browser sees the connection drop.
    out.once('error', () => {
      entry.status = null;
      res.destroy();
    });
    req.pipe(out);
    req.once('end', () => {
      const count = (forwarded.get(path) ?? 0) + 1;
      forwarded.set(path, count);
      listeners.get(path)?.(count);
    });
  }

  const server: Server = createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    answerNext(path, answer, times = 1) {
      rules.push({ path, answer, times });
    },
    onForwarded(path, listener) {
      listeners.set(path, listener);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
