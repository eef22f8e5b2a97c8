import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The dev servers answer only requests addressed to themselves by a loopback name: `Host`
 * `localhost:<port>` or `127.0.0.1:<port>`. A page on another site that rebinds its DNS name to
 * 127.0.0.1 (DNS rebinding) sends its own host name and gets 403, so it cannot read the app's
 * config, drive the dev login or talk to the dev Fauna.
 */
export function isOwnLoopbackHost(host: string | undefined, port: number): boolean {
  return host === `localhost:${port}` || host === `127.0.0.1:${port}`;
}

/** Answers 403 and returns false when `req` is not addressed to this server on `port`. */
export function refuseForeignHost(req: IncomingMessage, res: ServerResponse, port: number): boolean {
  if (isOwnLoopbackHost(req.headers.host, port)) return true;
  res
    .writeHead(403, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
    .end(`Forbidden: this dev server answers only Host localhost:${port} or 127.0.0.1:${port}.\n`);
  return false;
}
