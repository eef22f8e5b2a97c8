/**
 * What keeps the dev stack a dev stack: the configured Fauna only on request, answers only to its
 * own loopback Host, and the example app's security headers generated from its config.
 */
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { parseExampleAppConfig, type ExampleAppConfig } from '../../examples/shared/config';
import { contentSecurityPolicy, loginOrigin, securityHeaders } from '../../examples/shared/security-headers';
import { isOwnLoopbackHost, refuseForeignHost } from '../../scripts/dev/host-check';
import { chooseFauna } from '../../scripts/environment';
import { getWithHost } from '../support/get-with-host';

describe('chooseFauna: the configured Fauna only with DEV_USE_CONFIGURED_FAUNA=1', () => {
  const deployKeys = { FAUNA_ENDPOINT: 'https://fauna.example.com:8443', FAUNA_SECRET: 'fnDEPLOY_LOGIN_KEY' };

  it('keeps to the in-process Fauna when .env holds deploy keys, and says they are ignored', () => {
    expect(chooseFauna(deployKeys)).toEqual({ use: 'in-process', ignored: true });
    expect(chooseFauna({ FAUNA_SECRET: 'fnHALF' })).toEqual({ use: 'in-process', ignored: true });
    expect(chooseFauna({})).toEqual({ use: 'in-process', ignored: false });
    expect(chooseFauna({ ...deployKeys, DEV_USE_CONFIGURED_FAUNA: '0' })).toEqual({ use: 'in-process', ignored: true });
  });

  it('uses them when asked', () => {
    expect(chooseFauna({ ...deployKeys, DEV_USE_CONFIGURED_FAUNA: '1' })).toEqual({ use: 'configured', endpoint: 'https://fauna.example.com:8443', secret: 'fnDEPLOY_LOGIN_KEY' });
    expect(chooseFauna({ FAUNA_ENDPOINT: 'http://127.0.0.1:8443', FAUNA_SECRET: 'k', DEV_USE_CONFIGURED_FAUNA: 'true' })).toMatchObject({ use: 'configured' });
  });

  it('names what is missing or wrong, never a value', () => {
    expect(chooseFauna({ DEV_USE_CONFIGURED_FAUNA: '1', FAUNA_SECRET: 'fnSECRET_VALUE' })).toEqual({
      problem: "DEV_USE_CONFIGURED_FAUNA=1 needs FAUNA_ENDPOINT and FAUNA_SECRET (the login Action's key); missing: FAUNA_ENDPOINT.",
    });
    const cleartext = chooseFauna({ DEV_USE_CONFIGURED_FAUNA: '1', FAUNA_ENDPOINT: 'http://fauna.internal:8443', FAUNA_SECRET: 'fnSECRET_VALUE' });
    expect(cleartext).toEqual({ problem: expect.stringMatching(/^FAUNA_ENDPOINT must use https/) });
    expect(JSON.stringify(cleartext)).not.toContain('fnSECRET_VALUE');
    expect(chooseFauna({ DEV_USE_CONFIGURED_FAUNA: 'yes please' })).toEqual({ problem: expect.stringContaining('DEV_USE_CONFIGURED_FAUNA must be 1') });
  });
});

describe('the dev servers answer only their own loopback Host', () => {
  it.each([
    ['localhost:3000', true],
    ['127.0.0.1:3000', true],
    ['localhost:3001', false],
    ['evil.example:3000', false],
    ['rebound.attacker.test:3000', false],
    ['localhost', false],
    [undefined, false],
  ])('Host %s on port 3000: %s', (host, admitted) => {
    expect(isOwnLoopbackHost(host, 3000)).toBe(admitted);
  });

  it('answers a foreign Host with 403 before any handler runs', async () => {
    let handled = 0;
    const server: Server = createServer((req, res) => {
      if (!refuseForeignHost(req, res, (server.address() as AddressInfo).port)) return;
      handled += 1;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    nock.enableNetConnect(`127.0.0.1:${port}`);
    try {
      // What a browser sends after DNS rebinding: the attacker's host name, our address.
      const foreign = await getWithHost(port, `attacker.example:${port}`);
      expect(foreign.status).toBe(403);
      expect(foreign.body).toContain(`answers only Host localhost:${port} or 127.0.0.1:${port}`);
      expect(handled).toBe(0);
      expect((await getWithHost(port, `localhost:${port}`)).status).toBe(200);
      expect(handled).toBe(1);
    } finally {
      nock.disableNetConnect();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("the example app's security headers", () => {
  const tenant: ExampleAppConfig = {
    auth0Domain: 'your-tenant.eu.auth0.com',
    auth0ClientId: 'spa',
    claimNamespace: 'https://app.example.com/',
    faunaEndpoint: 'https://fauna.example.com:8443',
  };

  it('generates a strict policy naming exactly the login and Fauna origins', () => {
    expect(contentSecurityPolicy(tenant)).toBe(
      [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self' https://your-tenant.eu.auth0.com https://fauna.example.com:8443",
        'frame-src https://your-tenant.eu.auth0.com',
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
      ].join('; '),
    );
    const policy = contentSecurityPolicy(tenant);
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it('allows blob: workers only when refresh tokens are used (auth0-spa-js runs them in a Web Worker)', () => {
    expect(contentSecurityPolicy(tenant)).not.toContain('worker-src');
    expect(contentSecurityPolicy({ ...tenant, useRefreshTokens: true })).toContain('; worker-src blob:; ');
  });

  it('takes the dev login as the URL it is, and sends nosniff and no referrer', () => {
    expect(loginOrigin('http://localhost:3001')).toBe('http://localhost:3001');
    expect(loginOrigin('tenant.us.auth0.com')).toBe('https://tenant.us.auth0.com');
    const headers = securityHeaders({ ...tenant, auth0Domain: 'http://localhost:3001', faunaEndpoint: 'http://127.0.0.1:8443' });
    expect(headers['content-security-policy']).toContain("connect-src 'self' http://localhost:3001 http://127.0.0.1:8443");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
  });

  it('docs/in-your-app.md gives a static host exactly what the generator makes', () => {
    const doc = fs.readFileSync(path.resolve(__dirname, '../../docs/in-your-app.md'), 'utf8');
    const block = /```text\n(Content-Security-Policy: [^\n]+\nX-Content-Type-Options: [^\n]+\nReferrer-Policy: [^\n]+)\n```/.exec(doc)?.[1];
    const headers = securityHeaders(tenant);
    expect(block).toBe(
      [`Content-Security-Policy: ${headers['content-security-policy']}`, `X-Content-Type-Options: ${headers['x-content-type-options']}`, `Referrer-Policy: ${headers['referrer-policy']}`].join('\n'),
    );
  });

  it('config.json refuses what the policy could not be built from', () => {
    expect(() => parseExampleAppConfig({ ...tenant, faunaEndpoint: 'not a url at all' })).toThrow('faunaEndpoint must be a host name or an http(s) URL');
    expect(() => parseExampleAppConfig({ ...tenant, useRefreshTokens: 'yes' })).toThrow('useRefreshTokens must be true or false');
    expect(parseExampleAppConfig({ ...tenant, useRefreshTokens: true })).toEqual({ ...tenant, useRefreshTokens: true });
  });
});
