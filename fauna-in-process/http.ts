import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeFauna } from './server';

/**
 * The in-process Fauna over real HTTP, for `npm run dev`, `verify:fauna`'s tests and the
 * browser test: `POST /` answered by `fake.handle()`, with CORS so a page on another localhost
 * port can call it. Loopback only (it listens on 127.0.0.1 and answers only requests whose Host
 * is a loopback name): it holds secrets and has no TLS. `npm run fauna:local` serves it on its own.
 */
export interface ServeOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Origins allowed by CORS, e.g. `http://localhost:3000`; '*' allows any. Default: none (no CORS headers). */
  readonly allowOrigins?: readonly string[] | '*';
  /**
   * Called first for every request with the server's port; returning false means it has
   * answered (e.g. 403 to a foreign `Host`, against DNS rebinding). Default: every request.
   */
  readonly admit?: (req: IncomingMessage, res: ServerResponse, port: number) => boolean;
}

export interface ServedFauna {
  /** e.g. `http://127.0.0.1:8443` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';
/** Names that reach this server through loopback; any other Host is a page on another site (DNS rebinding). */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The Host header's name is a loopback name (the port is the server's own by construction). */
export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  const name = host.toLowerCase().replace(/:\d+$/, '');
  return LOOPBACK_HOSTS.has(name);
}

function corsHeaders(req: IncomingMessage, allow: ServeOptions['allowOrigins']): Record<string, string> {
  const origin = req.headers.origin;
  if (origin === undefined || allow === undefined) return {};
  if (allow !== '*' && !allow.includes(origin)) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': req.headers['access-control-request-headers'] ?? 'authorization, content-type',
    'access-control-expose-headers': 'x-txn-time',
    'access-control-max-age': '600',
    vary: 'Origin',
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function answer(fake: FakeFauna, options: ServeOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!isLoopbackHost(req.headers.host)) {
    // A browser tricked into sending here under another name must not reach the fake's keys.
    res
      .writeHead(403, { 'content-type': 'application/json;charset=utf-8' })
      .end(JSON.stringify({ errors: [{ code: 'permission denied', description: 'The in-process Fauna answers requests addressed to a loopback name only (Host 127.0.0.1, localhost or [::1]).' }] }));
    return;
  }
  const cors = corsHeaders(req, options.allowOrigins);
  if (req.method === 'OPTIONS') {
    res.writeHead(204, cors).end();
    return;
  }
  if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/') {
    res
      .writeHead(404, { 'content-type': 'application/json;charset=utf-8', ...cors })
      .end(JSON.stringify({ errors: [{ code: 'not found', description: 'Not Found' }] }));
    return;
  }
  const response = await fake.handle({ body: await readBody(req), authorization: req.headers.authorization });
  res.writeHead(response.status, { ...response.headers, ...cors }).end(response.body);
}

/** Serves `fake` on 127.0.0.1; close() stops it and drops open connections. */
export async function serveInProcessFauna(fake: FakeFauna, options: ServeOptions = {}): Promise<ServedFauna> {
  const server = createServer((req, res) => {
    if (options.admit !== undefined && !options.admit(req, res, (server.address() as AddressInfo).port)) return;
    answer(fake, options, req, res).catch((err: unknown) => {
      // An evaluator bug, not a Fauna answer: say so plainly rather than hang the client.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json;charset=utf-8' });
      res.end(JSON.stringify({ errors: [{ code: 'internal error', description: String((err as Error).message ?? err) }] }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${LOOPBACK}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
