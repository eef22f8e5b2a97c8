/** `npm run dev` refuses to start, naming the problem, when it cannot work as configured. */
import fs from 'node:fs';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { getWithHost } from '../support/get-with-host';
import { runDevUntilExit, startDevProcess } from './support/dev-process';

describe('npm run dev refuses bad configuration with a clear message and a non-zero exit', () => {
  it('names the port setting when its port is in use', async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const run = await runDevUntilExit({ DEV_LOGIN_PORT: String(port) });
      expect(run.code).toBe(1);
      expect(run.output).toContain(`ERR_DEV_PORT_IN_USE: Port ${port} (DEV_LOGIN_PORT) is in use`);
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });

  it('names a bad Action setting without printing its value', async () => {
    const run = await runDevUntilExit({ FAUNA_SECRET_TTL: '5', ON_FAUNA_ERROR: 'sometimes' });
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/ERR_DEV_SETTING: .*FAUNA_SECRET_TTL/);
    expect(run.output).toContain('ON_FAUNA_ERROR');
    expect(run.output).not.toContain('sometimes');
  });

  it('with DEV_USE_CONFIGURED_FAUNA=1, asks for both FAUNA_ENDPOINT and FAUNA_SECRET, and never prints the key', async () => {
    const run = await runDevUntilExit({ DEV_USE_CONFIGURED_FAUNA: '1', FAUNA_SECRET: 'fnE2E_HALF_CONFIGURED_KEY' });
    expect(run.code).toBe(1);
    expect(run.output).toContain("ERR_DEV_SETTING: DEV_USE_CONFIGURED_FAUNA=1 needs FAUNA_ENDPOINT and FAUNA_SECRET (the login Action's key); missing: FAUNA_ENDPOINT.");
    expect(run.output).not.toContain('fnE2E_HALF_CONFIGURED_KEY');
  });

  it('refuses a configured Fauna over plain http to another host', async () => {
    const run = await runDevUntilExit({ DEV_USE_CONFIGURED_FAUNA: '1', FAUNA_ENDPOINT: 'http://fauna.example.com:8443', FAUNA_SECRET: 'fnE2E_CLEARTEXT_KEY' });
    expect(run.code).toBe(1);
    expect(run.output).toContain('ERR_DEV_SETTING: FAUNA_ENDPOINT must use https');
    expect(run.output).not.toContain('fnE2E_CLEARTEXT_KEY');
  });

  it('names a bad port setting', async () => {
    const run = await runDevUntilExit({ DEV_APP_PORT: 'three thousand' });
    expect(run.code).toBe(1);
    expect(run.output).toContain('ERR_DEV_SETTING: DEV_APP_PORT must be a port number');
  });

  it('names a users file that is not there', async () => {
    const run = await runDevUntilExit({ DEV_USERS_FILE: '/nonexistent/dev-users.json' });
    expect(run.code).toBe(1);
    expect(run.output).toContain('ERR_DEV_USERS_FILE: Cannot read the dev users file /nonexistent/dev-users.json: it does not exist.');
  });
});

describe('npm run dev stays a dev stack', () => {
  it("keeps to the in-process Fauna when the environment holds the deploy's keys, and says so", async () => {
    const dev = await startDevProcess({ FAUNA_ENDPOINT: 'https://fauna.example.com:8443', FAUNA_SECRET: 'fnE2E_DEPLOY_KEY_NOT_FOR_DEV', ALLOWED_CLIENT_IDS: 'tenant-spa-client' });
    try {
      expect(dev.faunaUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(dev.output()).toContain('IN-PROCESS: in memory');
      expect(dev.output()).toContain('FAUNA_ENDPOINT/FAUNA_SECRET are set (environment or .env) and NOT used; DEV_USE_CONFIGURED_FAUNA=1 would use them');
      expect(dev.output()).toContain("ALLOWED_CLIENT_IDS  auth0-fauna-example   (the dev login's own client");
      expect(dev.output()).not.toContain('fnE2E_DEPLOY_KEY_NOT_FOR_DEV');
    } finally {
      expect(await dev.stop()).toBe(0);
    }
  });

  it('each of its three servers answers only its own loopback Host (403 to a rebound name)', async () => {
    const dev = await startDevProcess({});
    try {
      for (const url of [dev.appUrl, dev.loginUrl, dev.faunaUrl]) {
        const { hostname, port } = new URL(url);
        const foreign = await getWithHost(Number(port), `rebound.attacker.example:${port}`);
        expect(foreign.status).toBe(403);
        expect((await getWithHost(Number(port), `${hostname}:${port}`)).status).not.toBe(403);
        expect((await getWithHost(Number(port), `localhost:${Number(port) + 1}`)).status).toBe(403);
      }
    } finally {
      expect(await dev.stop()).toBe(0);
    }
  });
});

describe('npm run dev with EXAMPLE_APP_CONFIG: the same app, pointed at another tenant by one file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth0-fauna-app-config-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('serves that file as the app configuration', async () => {
    const tenant = {
      auth0Domain: 'your-tenant.eu.auth0.com',
      auth0ClientId: 'YOUR_SPA_CLIENT_ID',
      claimNamespace: 'https://app.example.com/',
      faunaEndpoint: 'https://fauna.example.com:8443',
      renewBeforeMs: 60000,
    };
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, JSON.stringify(tenant));
    const dev = await startDevProcess({ EXAMPLE_APP_CONFIG: file });
    try {
      expect(await (await fetch(`${dev.appUrl}/config.json`)).json()).toEqual(tenant);
      expect(dev.output()).toContain('configured by EXAMPLE_APP_CONFIG');
    } finally {
      expect(await dev.stop()).toBe(0);
    }
  });

  it('refuses a config file that lacks a field, naming it', async () => {
    const file = path.join(dir, 'incomplete.json');
    fs.writeFileSync(file, JSON.stringify({ auth0Domain: 'your-tenant.eu.auth0.com' }));
    const run = await runDevUntilExit({ EXAMPLE_APP_CONFIG: file });
    expect(run.code).toBe(1);
    expect(run.output).toContain('ERR_DEV_APP_CONFIG');
    expect(run.output).toContain('auth0ClientId must be a non-empty string');
  });
});
