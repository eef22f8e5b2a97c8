/** `npm run dev` refuses to start, naming the problem, when it cannot work as configured. */
import { createServer, type Server } from 'node:net';
import { runDevUntilExit } from './support/dev-process';

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

  it('asks for both FAUNA_ENDPOINT and FAUNA_SECRET when only one is set, and never prints the key', async () => {
    const run = await runDevUntilExit({ FAUNA_SECRET: 'fnE2E_HALF_CONFIGURED_KEY' });
    expect(run.code).toBe(1);
    expect(run.output).toContain('ERR_DEV_SETTING: FAUNA_ENDPOINT is missing');
    expect(run.output).not.toContain('fnE2E_HALF_CONFIGURED_KEY');
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
