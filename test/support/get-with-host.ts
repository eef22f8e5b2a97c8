import { request } from 'node:http';

/**
 * A GET to 127.0.0.1:<port><path> with the given Host header, as a browser sends after DNS
 * rebinding (the attacker's host name, our address). fetch does not let a caller set Host.
 */
export function getWithHost(port: number, host: string, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
