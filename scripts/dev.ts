/**
 * `npm run dev`: the whole flow on this machine. Starts, on localhost only:
 * - the example app (examples/spa, bundled with esbuild), its config.json made for the two below;
 * - the dev login: an OpenID Connect provider at Auth0's paths that runs the BUILT
 *   dist/actions/fauna-login.js on every ID token it issues (scripts/dev/login.ts);
 * - Fauna: the in-process Fauna over HTTP with the schema and the login key made by setup:fauna's
 *   own code; FAUNA_ENDPOINT + FAUNA_SECRET only when DEV_USE_CONFIGURED_FAUNA=1 asks for them
 *   (`.env` holds the deploy's keys, and a dev login mints without a password).
 * Each server answers only `Host: localhost|127.0.0.1:<its port>` (403 otherwise: DNS rebinding).
 * Ports: DEV_APP_PORT (3000), DEV_LOGIN_PORT (3001), DEV_FAUNA_PORT (8443), from the environment
 * or `.env`. Ctrl-C stops all three.
 * `npm run dev -- --server` also starts the server-side example (examples/server) on
 * DEV_SERVER_PORT (3002), registered at the dev login as a confidential client.
 * `npm run dev -- --react` also starts the React example (examples/react) on DEV_REACT_PORT
 * (3003), registered at the dev login as a single-page app client of its own.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SECRET_CLAIM, SECRET_EXP_CLAIM } from '../actions/fauna-login/claims';
import { SettingsError } from '../actions/lib/errors';
import { redact } from '../actions/lib/log';
import { parseClaimNamespace, parseLoginSettings, readSettings } from '../actions/lib/settings';
import type { ExampleAppConfig } from '../examples/shared/config';
import { CONFIGURED_FAUNA_OPT_IN, actionSettingsFrom, chooseFauna, readEnvironment, type EnvBag } from './environment';
import { assertClientPackageBuilt } from './dev/client-package';
import { DevError } from './dev/dev-error';
import { startInProcessFauna } from './dev/dev-fauna';
import { buildExampleApp, exampleAppHandler, readExampleAppConfig } from './dev/example-app';
import { refuseForeignHost } from './dev/host-check';
import { createDevLogin } from './dev/login';
import { assertLoginActionBuilt, loadPostLoginAction } from './dev/post-login-action';
import { readDevUsers } from './dev/users';

export { DevError } from './dev/dev-error';

/** The example app's client id at the dev login. */
export const DEV_CLIENT_ID = 'auth0-fauna-example';
const DEV_CLIENT_NAME = 'auth0-fauna example app';
const DEFAULT_USERS_FILE = path.resolve(__dirname, '../examples/dev-users.json');
const LOOPBACK = '127.0.0.1';

/** The server-side example's client id at the dev login (a confidential client). */
export const DEV_SERVER_CLIENT_ID = 'auth0-fauna-server-example';
/** The flag of `npm run dev -- --server`. */
export const SERVER_FLAG = '--server';

/** The React example's client id at the dev login (a public client, like the example app's). */
export const DEV_REACT_CLIENT_ID = 'auth0-fauna-react-example';
/** The flag of `npm run dev -- --react`. */
export const REACT_FLAG = '--react';

const PORTS = { DEV_APP_PORT: 3000, DEV_LOGIN_PORT: 3001, DEV_FAUNA_PORT: 8443, DEV_SERVER_PORT: 3002, DEV_REACT_PORT: 3003 } as const;
type PortSetting = keyof typeof PORTS;

export interface StartDevOptions {
  /** Settings: DEV_* ports, the Action's settings, DEV_USERS_FILE, DEV_RENEW_BEFORE_MS, EXAMPLE_APP_CONFIG. */
  readonly env: EnvBag;
  /** Where the dev servers report what happens (logins, denials); default console.log. */
  readonly log?: (line: string) => void;
  /** Also start the server-side example (examples/server) on DEV_SERVER_PORT. */
  readonly server?: boolean;
  /** Also start the React example (examples/react) on DEV_REACT_PORT. */
  readonly react?: boolean;
}

export interface RunningDev {
  readonly appUrl: string;
  /** The dev login's issuer without its trailing slash: the app's Auth0 "domain". */
  readonly loginUrl: string;
  readonly faunaUrl: string;
  readonly faunaMode: 'in-process' | 'configured';
  /** In-process, though FAUNA_ENDPOINT or FAUNA_SECRET is set (without DEV_USE_CONFIGURED_FAUNA=1). */
  readonly configuredFaunaIgnored: boolean;
  /** ALLOWED_CLIENT_IDS from the environment named other clients: the dev login has its own one. */
  readonly allowedClientIdsIgnored: boolean;
  readonly clientId: string;
  readonly claimNamespace: string;
  readonly secretTtlSeconds: number;
  readonly onFaunaError: 'deny' | 'continue';
  readonly usersFile: string;
  readonly userIds: readonly string[];
  /** Bytes of the example app's bundled script. */
  readonly appScriptBytes: number;
  /** True when EXAMPLE_APP_CONFIG points the app elsewhere (e.g. a real tenant). */
  readonly appConfigFromFile: boolean;
  /** The server-side example's origin, when it runs (`--server`). */
  readonly serverUrl?: string;
  /** The React example's origin and script size, when it runs (`--react`). */
  readonly react?: { readonly url: string; readonly scriptBytes: number };
  stop(): Promise<void>;
}

function settingProblem(message: string): DevError {
  return new DevError('ERR_DEV_SETTING', message);
}

function readPort(env: EnvBag, name: PortSetting): number {
  const raw = env[name]?.trim() ?? '';
  if (raw === '') return PORTS[name];
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) throw settingProblem(`${name} must be a port number, 1 to 65535 (0: any free port).`);
  return Number(raw);
}

function readRenewBeforeMs(env: EnvBag): number | undefined {
  const raw = env.DEV_RENEW_BEFORE_MS?.trim() ?? '';
  if (raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw settingProblem('DEV_RENEW_BEFORE_MS must be a whole number of milliseconds.');
  return Number(raw);
}

/** Re-throws the Action settings parser's problems as one dev error naming each setting. */
function checked<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof SettingsError) throw settingProblem(err.problems.map((p) => p.message).join('; '));
    throw err;
  }
}

async function listen(server: Server, port: number, setting: PortSetting): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new DevError('ERR_DEV_PORT_IN_USE', `Port ${port} (${setting}) is in use: stop what holds it or set ${setting} to a free port.`)
          : err,
      ),
    );
    server.listen(port, LOOPBACK, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** A server whose handler is set once everything it needs is up; only its own Host is answered. */
function lateBoundServer(): { server: Server; bind(handler: (req: IncomingMessage, res: ServerResponse) => void): void } {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (!refuseForeignHost(req, res, (server.address() as AddressInfo).port)) return;
    if (handler === undefined) res.writeHead(503, { 'retry-after': '1' }).end('starting');
    else handler(req, res);
  });
  return { server, bind: (h) => (handler = h) };
}

/** Starts the app, the dev login and Fauna; resolves when all three answer. */
export async function startDev(options: StartDevOptions): Promise<RunningDev> {
  const { env } = options;
  const log = options.log ?? ((line: string) => console.log(line));

  // Everything that can be checked before listening is checked first.
  const ports = {
    app: readPort(env, 'DEV_APP_PORT'),
    login: readPort(env, 'DEV_LOGIN_PORT'),
    fauna: readPort(env, 'DEV_FAUNA_PORT'),
    server: readPort(env, 'DEV_SERVER_PORT'),
    react: readPort(env, 'DEV_REACT_PORT'),
  };
  const renewBeforeMs = readRenewBeforeMs(env);
  const given = actionSettingsFrom(env);
  const fauna = chooseFauna(env);
  if ('problem' in fauna) throw settingProblem(fauna.problem);
  checked(() => readSettings(given, ['FAUNA_SECRET_TTL', 'ON_FAUNA_ERROR', 'FAUNA_TIMEOUT_MS']));
  if (given.CLAIM_NAMESPACE !== undefined) checked(() => readSettings(given, ['CLAIM_NAMESPACE']));
  // The dev login has one client, the example app; a deploy's list names the tenant's apps.
  const allowedClientIdsIgnored = given.ALLOWED_CLIENT_IDS !== undefined && given.ALLOWED_CLIENT_IDS.trim() !== DEV_CLIENT_ID;
  const usersFile = path.resolve(env.DEV_USERS_FILE?.trim() || DEFAULT_USERS_FILE);
  const users = readDevUsers(usersFile);
  const appConfigFile = env.EXAMPLE_APP_CONFIG?.trim() || undefined;
  const configFromFile = appConfigFile === undefined ? undefined : readExampleAppConfig(path.resolve(appConfigFile));
  assertLoginActionBuilt();
  assertClientPackageBuilt();
  const appBuild = await buildExampleApp('spa');
  const reactBuild = options.react === true ? await buildExampleApp('react') : undefined;

  const app = lateBoundServer();
  const login = lateBoundServer();
  const serverApp = options.server === true ? lateBoundServer() : undefined;
  const reactApp = reactBuild === undefined ? undefined : lateBoundServer();
  const closers: (() => Promise<void>)[] = [() => closeServer(app.server), () => closeServer(login.server)];
  if (serverApp !== undefined) closers.push(() => closeServer(serverApp.server));
  if (reactApp !== undefined) closers.push(() => closeServer(reactApp.server));
  const stop = async () => {
    await Promise.all(closers.map((close) => close()));
  };
  try {
    const appPort = await listen(app.server, ports.app, 'DEV_APP_PORT');
    const loginPort = await listen(login.server, ports.login, 'DEV_LOGIN_PORT');
    // localhost for both, not 127.0.0.1: silent renewal's iframe needs the login's session cookie,
    // and two ports of one host are the same site.
    const appOrigin = `http://localhost:${appPort}`;
    const loginUrl = `http://localhost:${loginPort}`;
    const serverOrigin = serverApp === undefined ? undefined : `http://localhost:${await listen(serverApp.server, ports.server, 'DEV_SERVER_PORT')}`;
    const reactOrigin = reactApp === undefined ? undefined : `http://localhost:${await listen(reactApp.server, ports.react, 'DEV_REACT_PORT')}`;
    const reactClient = reactOrigin === undefined ? undefined : { clientId: DEV_REACT_CLIENT_ID, name: 'auth0-fauna example app (React)', appOrigin: reactOrigin };
    // Made anew on each start: the confidential client's secret and the session cookie's key.
    const serverClient = serverOrigin === undefined ? undefined : { clientId: DEV_SERVER_CLIENT_ID, clientSecret: randomBytes(32).toString('base64url'), name: 'auth0-fauna server-side example', appOrigin: serverOrigin };

    let faunaEndpoint: string;
    let faunaSecret: string;
    if (fauna.use === 'configured') {
      faunaEndpoint = fauna.endpoint;
      faunaSecret = fauna.secret;
    } else {
      // CORS for the browser apps: they talk to Fauna directly.
      const inProcess = await startInProcessFauna({ port: ports.fauna, allowOrigins: reactOrigin === undefined ? [appOrigin] : [appOrigin, reactOrigin] });
      closers.push(inProcess.close);
      faunaEndpoint = inProcess.url;
      faunaSecret = inProcess.loginKey;
    }

    const secrets = {
      ...given,
      FAUNA_ENDPOINT: faunaEndpoint,
      FAUNA_SECRET: faunaSecret,
      CLAIM_NAMESPACE: given.CLAIM_NAMESPACE ?? `${appOrigin}/`,
      // The dev login's own clients: the example app, and the server-side and React examples when they run.
      ALLOWED_CLIENT_IDS: allowedClientIds(serverClient !== undefined, reactClient !== undefined),
    };
    const settings = checked(() => parseLoginSettings(secrets));
    // The Action redacts its own lines; this guards the dev servers' (e.g. an error's message).
    const say = (line: string) => log(redact(line, [faunaSecret]));
    const namespace = parseClaimNamespace(secrets.CLAIM_NAMESPACE);

    const devLogin = createDevLogin({
      issuer: `${loginUrl}/`,
      client: { clientId: DEV_CLIENT_ID, name: DEV_CLIENT_NAME, appOrigin },
      ...(reactClient === undefined ? {} : { moreClients: [reactClient] }),
      ...(serverClient === undefined ? {} : { serverClient }),
      users,
      idTokenClaimNames: [`${namespace}${SECRET_CLAIM}`, `${namespace}${SECRET_EXP_CLAIM}`],
      runPostLogin: loadPostLoginAction(secrets),
      log: say,
    });
    login.bind(devLogin.handle);

    const appConfig: ExampleAppConfig = configFromFile ?? {
      auth0Domain: loginUrl,
      auth0ClientId: DEV_CLIENT_ID,
      claimNamespace: namespace,
      faunaEndpoint,
      ...(renewBeforeMs === undefined ? {} : { renewBeforeMs }),
    };
    app.bind(exampleAppHandler(appBuild.outDir, appConfig));
    if (reactApp !== undefined && reactBuild !== undefined && reactClient !== undefined) {
      // The same config but its own client: what a second app of the tenant has.
      const reactConfig: ExampleAppConfig = { ...appConfig, auth0ClientId: reactClient.clientId };
      reactApp.bind(exampleAppHandler(reactBuild.outDir, reactConfig));
    }
    if (serverApp !== undefined && serverClient !== undefined) {
      // Required only here, so a plain `npm run dev` (and a test importing this file) never loads
      // express-openid-connect, whose openid-client is ESM-only (Node 20.19+ requires it natively;
      // jest's module system cannot). require, not import(): tsx's CommonJS mode keeps import() as
      // Node's own, which does not resolve a .ts path without its extension.
      const { createServerApp } = require('../examples/server/src/app') as typeof import('../examples/server/src/app');
      serverApp.bind(
        createServerApp(
          {
            issuerBaseURL: loginUrl,
            clientID: serverClient.clientId,
            clientSecret: serverClient.clientSecret,
            baseURL: serverClient.appOrigin,
            sessionSecret: randomBytes(32).toString('base64url'),
            claimNamespace: namespace,
            faunaEndpoint,
            ...(renewBeforeMs === undefined ? {} : { renewBeforeMs }),
          },
          { log: say },
        ),
      );
    }

    return {
      appUrl: appOrigin,
      loginUrl,
      faunaUrl: faunaEndpoint,
      faunaMode: fauna.use,
      configuredFaunaIgnored: fauna.use === 'in-process' && fauna.ignored,
      allowedClientIdsIgnored,
      clientId: DEV_CLIENT_ID,
      claimNamespace: namespace,
      secretTtlSeconds: settings.secretTtlSeconds,
      onFaunaError: settings.onFaunaError,
      usersFile,
      userIds: users.map((u) => u.id),
      appScriptBytes: appBuild.scriptBytes,
      appConfigFromFile: configFromFile !== undefined,
      ...(serverClient === undefined ? {} : { serverUrl: serverClient.appOrigin }),
      ...(reactClient === undefined || reactBuild === undefined ? {} : { react: { url: reactClient.appOrigin, scriptBytes: reactBuild.scriptBytes } }),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The dev login's clients the Action mints for: the example app's, and those of the examples that run. */
function allowedClientIds(server: boolean, react: boolean): string {
  return [DEV_CLIENT_ID, ...(server ? [DEV_SERVER_CLIENT_ID] : []), ...(react ? [DEV_REACT_CLIENT_ID] : [])].join(',');
}

/** What `npm run dev` prints once everything is up. */
export function describeDev(dev: RunningDev): string[] {
  const rel = (file: string) => path.relative(process.cwd(), file) || file;
  return [
    'auth0-fauna dev: the whole login flow on this machine',
    '',
    `  App     ${dev.appUrl}   examples/spa (app.js ${dev.appScriptBytes.toLocaleString('en-US')} bytes)${dev.appConfigFromFile ? ', configured by EXAMPLE_APP_CONFIG' : ''}`,
    `  Login   ${dev.loginUrl}   dev login at Auth0's paths, running dist/actions/fauna-login.js; users: ${dev.userIds.join(', ')} (${rel(dev.usersFile)})`,
    ...(dev.react === undefined
      ? []
      : [`  React   ${dev.react.url}   examples/react: the same app in React (app.js ${dev.react.scriptBytes.toLocaleString('en-US')} bytes; client ${DEV_REACT_CLIENT_ID})`]),
    ...(dev.serverUrl === undefined
      ? []
      : [`  Server  ${dev.serverUrl}   examples/server: server-side mode, the Fauna secret kept in its encrypted session (client ${DEV_SERVER_CLIENT_ID})`]),
    dev.faunaMode === 'in-process'
      ? `  Fauna   ${dev.faunaUrl}   IN-PROCESS: in memory, an FQL v4 subset for trying the flow; everything in it is gone on exit`
      : `  Fauna   ${dev.faunaUrl}   YOUR Fauna (${CONFIGURED_FAUNA_OPT_IN}=1, FAUNA_ENDPOINT, FAUNA_SECRET): the dev login mints real secrets in it, without a password`,
    ...(dev.configuredFaunaIgnored
      ? [`          FAUNA_ENDPOINT/FAUNA_SECRET are set (environment or .env) and NOT used; ${CONFIGURED_FAUNA_OPT_IN}=1 would use them`]
      : []),
    '',
    `  CLAIM_NAMESPACE   ${dev.claimNamespace}`,
    `  ALLOWED_CLIENT_IDS  ${allowedClientIds(dev.serverUrl !== undefined, dev.react !== undefined)}${dev.allowedClientIdsIgnored ? '   (the dev login\'s own client; ALLOWED_CLIENT_IDS from the environment is for your tenant)' : ''}`,
    `  FAUNA_SECRET_TTL  ${dev.secretTtlSeconds} s    ON_FAUNA_ERROR  ${dev.onFaunaError}`,
    '',
    `Open ${[dev.appUrl, dev.react?.url, dev.serverUrl].filter((url) => url !== undefined).join(' or ')} and log in. Ctrl-C stops them all.`,
  ];
}

async function main(): Promise<number> {
  let dev: RunningDev;
  try {
    dev = await startDev({ env: readEnvironment(), server: process.argv.includes(SERVER_FLAG), react: process.argv.includes(REACT_FLAG) });
  } catch (err) {
    if (err instanceof DevError) {
      console.error(`${err.code}: ${err.message}`);
      return 1;
    }
    throw err;
  }
  for (const line of describeDev(dev)) console.log(line);
  await new Promise<void>((resolve) => {
    const shutdown = () => resolve();
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
  await dev.stop();
  console.log('Stopped the app, the dev login and Fauna.');
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
      // The provider keeps timers for its in-memory stores; nothing else needs waiting for.
      process.exit(code);
    },
    (err: unknown) => {
      console.error(`dev failed unexpectedly: ${err instanceof Error ? err.name : "unknown error"} (its message is not shown: it might quote a key)`);
      process.exit(1);
    },
  );
}
