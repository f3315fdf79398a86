import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Resource {
  type: string;
  body: string | Buffer;
}

export interface StaticServer {
  origin: string;
  server: Server;
  close(): Promise<void>;
}

/** Serves in-memory resources on 127.0.0.1 (a secure context, unlike about:blank). */
export async function serveResources(
  resources: Map<string, Resource>,
  port = 0,
): Promise<StaticServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const resource = resources.get(path);
    if (!resource) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': resource.type, 'cache-control': 'no-store' });
    res.end(resource.body);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${bound}`,
    server,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
