import { request } from 'node:http';
import nock from 'nock';
import { query as q } from 'faunadb';
import { isLoopbackHost, serveInProcessFauna, type ServedFauna } from '../../fauna-in-process/http';
import { ADMIN, fakeUnderTest } from './support';

describe('serveInProcessFauna', () => {
  let served: ServedFauna | undefined;

  afterEach(async () => {
    nock.disableNetConnect(); // back to the suite-wide rule of test/support/no-network.ts
    await served?.close();
    served = undefined;
  });

  async function serve(allowOrigins?: readonly string[]): Promise<ServedFauna> {
    served = await serveInProcessFauna(fakeUnderTest().fake, allowOrigins === undefined ? {} : { allowOrigins });
    nock.enableNetConnect(new URL(served.url).host); // this test's own loopback server only
    return served;
  }

  it('answers POST / on 127.0.0.1 through the fake, with its status, body and x-txn-time', async () => {
    const { url } = await serve();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ok = await fetch(`${url}/`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` }, body: JSON.stringify(q.Add(1, 2)) });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-txn-time')).toMatch(/^\d+$/);
    expect(await ok.json()).toEqual({ resource: 3 });
    const refused = await fetch(`${url}/`, { method: 'POST', headers: { authorization: 'Bearer fnNOPE' }, body: '{"now":null}' });
    expect(refused.status).toBe(401);
    expect((await fetch(`${url}/other`)).status).toBe(404);
  });

  it('sends CORS headers to allowed origins only, and answers preflights', async () => {
    const { url } = await serve(['http://localhost:3000']);
    const preflight = await fetch(`${url}/`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(preflight.headers.get('access-control-expose-headers')).toBe('x-txn-time');
    const other = await fetch(`${url}/`, { method: 'POST', headers: { origin: 'http://evil.example', authorization: `Bearer ${ADMIN}` }, body: '{"now":null}' });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('stops listening on close()', async () => {
    const { url } = await serve();
    await served?.close();
    served = undefined;
    await expect(fetch(`${url}/`, { method: 'POST', body: '{}' })).rejects.toThrow();
  });

  it('refuses a request addressed to a name other than a loopback one (a rebinding page), before reading it', async () => {
    const { url } = await serve();
    const { port } = new URL(url);
    const post = (host: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { host, authorization: `Bearer ${ADMIN}` } }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end(JSON.stringify(q.Add(1, 2)));
      });
    expect(await post(`attacker.example:${port}`)).toMatchObject({ status: 403, body: expect.stringContaining('loopback name only') });
    expect(await post(`localhost:${port}`)).toEqual({ status: 200, body: '{"resource":3}' });
  });
});

describe('isLoopbackHost', () => {
  it('takes 127.0.0.1, localhost and [::1] with or without a port, in any case, and nothing else', () => {
    expect(['127.0.0.1:8443', 'localhost', 'LOCALHOST:1', '[::1]:8443'].map(isLoopbackHost)).toEqual([true, true, true, true]);
    expect(['127.0.0.1.evil.example', 'localhost.evil.example:8443', '10.0.0.1:8443', '', undefined].map(isLoopbackHost)).toEqual([false, false, false, false, false]);
  });
});
