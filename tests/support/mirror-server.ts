import { createReadStream, readdirSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';

export interface MirrorRequest {
  path: string;
  status: number;
  at: number;
}

export interface MirrorOptions {
  /** Folder holding `<owner>/<name>/...` model folders. */
  root: string;
  port?: number;
}

/**
 * A local stand-in for the Hugging Face Hub: serves model files at `/<model>/resolve/main/<file>`
 * with Content-Length and CORS, like the Hub. Tests can cut a file part-way, slow it down, or stop
 * the server, so download, progress, cache and offline paths run for real.
 */
export class MirrorServer {
  readonly requests: MirrorRequest[] = [];
  private server: Server | null = null;
  private port = 0;
  /** part of a file path -> fraction of its bytes to send before dropping the connection */
  private cuts = new Map<string, number>();
  private bytesPerSecond = 0;
  private readonly files: Map<string, string>;

  constructor(private readonly options: MirrorOptions) {
    this.files = indexFiles(options.root);
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The `remoteHost` transformers.js (and Glimpse's Options) takes. */
  get host(): string {
    return `${this.origin}/`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) =>
      this.server?.listen(this.options.port ?? this.port, '127.0.0.1', resolve),
    );
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Drops the connection after `fraction` of the bytes of files whose path contains `part`. */
  cutAfter(part: string, fraction: number): void {
    this.cuts.set(part, fraction);
  }

  clearCuts(): void {
    this.cuts.clear();
  }

  throttle(bytesPerSecond: number): void {
    this.bytesPerSecond = bytesPerSecond;
  }

  private handle(req: IncomingMessage, res: ServerResponse) {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const cors = {
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'content-length',
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'access-control-allow-headers': '*' }).end();
      return;
    }
    const match = /^\/(.+?\/.+?)\/resolve\/main\/(.+)$/.exec(path);
    const file = match ? this.files.get(`${match[1]}/${match[2]}`) : undefined;
    this.requests.push({ path, status: file ? 200 : 404, at: Date.now() });
    if (!file) {
      res.writeHead(404, { ...cors, 'content-type': 'text/plain' }).end('Entry not found');
      return;
    }
    const size = statSync(file).size;
    res.writeHead(200, {
      ...cors,
      'content-type': file.endsWith('.json') ? 'application/json' : 'application/octet-stream',
      'content-length': String(size),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const cut = [...this.cuts].find(([part]) => path.includes(part))?.[1];
    const limit = cut === undefined ? size : Math.floor(size * cut);
    let sent = 0;
    const stream = createReadStream(file, { highWaterMark: 16 * 1024 });
    stream.on('data', (chunk) => {
      const buffer = chunk as Buffer;
      const room = limit - sent;
      if (room <= 0) return;
      const piece = buffer.subarray(0, room);
      sent += piece.length;
      res.write(piece);
      if (sent >= limit && limit < size) {
        stream.destroy();
        // Cut the connection mid-body, as a flaky network would.
        res.socket?.destroy();
      } else if (this.bytesPerSecond > 0) {
        stream.pause();
        setTimeout(() => stream.resume(), (piece.length / this.bytesPerSecond) * 1000);
      }
    });
    stream.on('end', () => res.end());
  }
}

function indexFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(relative(root, full).split('\\').join('/'), full);
    }
  };
  walk(root);
  return files;
}
