/**
 * `npm run simulate [-- --event <file>]`
 *
 * Runs the BUILT login Action (dist/actions/fauna-login.js) the way Auth0 would: a fresh module
 * scope, a realistic post-login event, a recording `api`. Settings come from the environment,
 * `.env`, and the file AUTH0_FAUNA_ENV_FILE names (e.g. `.env.fauna-local`). It runs against the in-process fake Fauna the tests use, even when `.env` holds your
 * deploy's FAUNA_ENDPOINT and FAUNA_SECRET (it would mint real secrets with them); with
 * DEV_USE_CONFIGURED_FAUNA=1 it talks to that Fauna instead. CLAIM_NAMESPACE defaults to
 * https://app.example.com/ and ALLOWED_CLIENT_IDS to the event's client, each said when used.
 * It prints the claims (the secret masked), the deny reason, the Action's log, the Fauna requests
 * and the time taken.
 *
 * Exit code: 0 claims set or the login went on per policy, 1 login denied, 2 bad usage.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SECRET_CLAIM, SECRET_EXP_CLAIM } from '../actions/fauna-login/claims';
import { redact } from '../actions/lib/log';
import type { PostLoginApi, PostLoginEvent } from '../actions/types/auth0-actions';
import { bundlePath, loadBundle, recordingPostLoginApi } from '../test/support/load-bundle';
import { CONFIGURED_FAUNA_OPT_IN, actionSettingsFrom, chooseFauna, readEnvironment } from './environment';

const DEFAULT_EVENT = path.resolve(__dirname, 'fixtures/post-login-event.json');
const MOCK_ENDPOINT = 'https://fauna.mock.invalid';
const MOCK_KEY = 'fnMOCK_SERVER_KEY_in_process_only';
const DEFAULT_NAMESPACE = 'https://app.example.com/';
const USAGE = `Usage: npm run simulate [-- --event <file>]
  --event <file>  a post-login event as JSON (default: scripts/fixtures/post-login-event.json)`;

type OnExecutePostLogin = (event: PostLoginEvent, api: PostLoginApi) => Promise<void>;

interface FaunaRequest {
  readonly method: string;
  readonly url: string;
  readonly status: number | string;
  readonly ms: number;
}

class UsageError extends Error {}

/** first 4 characters, an ellipsis and the length: enough to recognise, useless to steal. */
function mask(secret: string): string {
  return `${secret.slice(0, 4)}…(${secret.length} chars)`;
}

function readEvent(file: string): PostLoginEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--event ${file}: cannot read it as JSON (${(err as Error).message})`);
  }
  const event = parsed as Partial<PostLoginEvent>;
  if (typeof event.user?.user_id !== 'string' || typeof event.client?.client_id !== 'string') {
    throw new UsageError(`--event ${file}: a post-login event needs user.user_id and client.client_id`);
  }
  return event as PostLoginEvent;
}

/** Counts and times what the Action sends to Fauna, passing everything through to `inner`. */
function recordingFetch(inner: typeof globalThis.fetch, requests: FaunaRequest[]): typeof globalThis.fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = init?.method ?? 'GET';
    const started = performance.now();
    try {
      const response = await inner(input, init);
      requests.push({ method, url, status: response.status, ms: performance.now() - started });
      return response;
    } catch (err) {
      const name = err instanceof Error ? err.name : 'error';
      requests.push({ method, url, status: name, ms: performance.now() - started });
      throw err;
    }
  };
}

/** The Action logs through console (as on Auth0): collect its lines instead of printing them. */
async function capturingConsole<T>(run: () => Promise<T>, lines: string[]): Promise<T> {
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error };
  const capture = (level: string) => (...args: unknown[]) => lines.push(`${level.padEnd(5)} ${args.map(String).join(' ')}`);
  console.log = capture('info');
  console.info = capture('info');
  console.warn = capture('warn');
  console.error = capture('error');
  try {
    return await run();
  } finally {
    Object.assign(console, saved);
  }
}

function table(rows: readonly (readonly [string, string])[], indent = '  '): string[] {
  const width = Math.max(0, ...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${indent}${k.padEnd(width)}  ${v}`);
}

async function main(argv: readonly string[]): Promise<number> {
  let eventFile = DEFAULT_EVENT;
  try {
    const { values } = parseArgs({ args: [...argv], options: { event: { type: 'string' } }, strict: true });
    if (values.event !== undefined) eventFile = path.resolve(values.event);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }

  const env = readEnvironment(process.cwd(), process.env, { faunaEnvFile: true });
  const choice = chooseFauna(env);
  if ('problem' in choice) throw new UsageError(choice.problem);

  const fixture = readEvent(eventFile);
  const secrets = actionSettingsFrom(env);
  const defaults: string[] = [];
  if (secrets.CLAIM_NAMESPACE === undefined) {
    secrets.CLAIM_NAMESPACE = DEFAULT_NAMESPACE;
    defaults.push(`CLAIM_NAMESPACE=${DEFAULT_NAMESPACE}`);
  }
  if (secrets.ALLOWED_CLIENT_IDS === undefined) {
    secrets.ALLOWED_CLIENT_IDS = fixture.client.client_id;
    defaults.push(`ALLOWED_CLIENT_IDS=${fixture.client.client_id} (the event's client)`);
  }
  const requests: FaunaRequest[] = [];
  const realFetch = globalThis.fetch;
  let mode: string;
  if (choice.use === 'in-process') {
    // Loaded only here: the fake brings nock, which has no business near a real Fauna.
    const { FakeFauna, createLoginSchema } = await import('../fauna-in-process');
    const fake = new FakeFauna({ secrets: { [MOCK_KEY]: 'server', fnMOCK_ADMIN_KEY: 'admin' } });
    await createLoginSchema(fake);
    globalThis.fetch = recordingFetch(fake.fetch, requests);
    secrets.FAUNA_ENDPOINT = MOCK_ENDPOINT;
    secrets.FAUNA_SECRET = MOCK_KEY;
    mode = `in-process mocked Fauna (the tests' own)${choice.ignored ? `; FAUNA_ENDPOINT and FAUNA_SECRET are set but not used: ${CONFIGURED_FAUNA_OPT_IN}=1 uses them` : ''}`;
  } else {
    globalThis.fetch = recordingFetch(realFetch, requests);
    mode = `YOUR Fauna at ${choice.endpoint} (${CONFIGURED_FAUNA_OPT_IN}=1; FAUNA_ENDPOINT and FAUNA_SECRET from the environment): real secrets are minted`;
  }

  const file = bundlePath('fauna-login');
  if (!fs.existsSync(file)) throw new UsageError(`${path.relative(process.cwd(), file)} is missing: run \`npm run build\` first`);
  const handler = loadBundle('fauna-login').exports.onExecutePostLogin as OnExecutePostLogin;
  const event: PostLoginEvent = { ...fixture, secrets };
  const recorder = recordingPostLoginApi();
  const logLines: string[] = [];
  const started = performance.now();
  try {
    await capturingConsole(() => handler(event, recorder.api as unknown as PostLoginApi), logLines);
  } finally {
    globalThis.fetch = realFetch;
  }
  const elapsed = performance.now() - started;

  const isSecretClaim = (name: string) => name.endsWith(SECRET_CLAIM);
  const minted = [...Object.entries(recorder.idTokenClaims), ...Object.entries(recorder.accessTokenClaims)]
    .filter(([name, value]) => isSecretClaim(name) && typeof value === 'string')
    .map(([, value]) => value as string);
  const shown = (name: string, value: unknown): string => {
    if (isSecretClaim(name) && typeof value === 'string') return mask(value);
    if (name.endsWith(SECRET_EXP_CLAIM) && typeof value === 'number') {
      return `${value} (${new Date(value * 1000).toISOString()}, in ${Math.round(value - Date.now() / 1000)} s)`;
    }
    return JSON.stringify(value);
  };
  const claimRows = (claims: Record<string, unknown>): string[] =>
    Object.keys(claims).length === 0 ? ['  (none)'] : table(Object.entries(claims).map(([k, v]) => [k, shown(k, v)]));

  const denied = recorder.denials.length > 0;
  const claimsSet = Object.keys(recorder.idTokenClaims).length > 0;
  const outcome = denied
    ? 'login DENIED'
    : claimsSet
      ? 'claims set on the ID token'
      : 'login continues without Fauna claims (see the Action log for why)';

  const out: string[] = [
    `fauna-login simulation: ${path.relative(process.cwd(), file)} (${fs.statSync(file).size} bytes)`,
    '',
    ...table(
      [
        ['Mode', mode],
        ['Defaults', defaults.length === 0 ? '(none: every setting given)' : `${defaults.join(', ')} (simulate only; the Action has no default)`],
        ['Event', `${path.relative(process.cwd(), eventFile)} (user ${event.user.user_id}, client ${event.client.client_id})`],
        ['Outcome', outcome],
        ['Deny reason', denied ? recorder.denials.join(' | ') : '(none)'],
      ],
      '',
    ),
    '',
    'ID token claims',
    ...claimRows(recorder.idTokenClaims),
    'Access token claims',
    ...claimRows(recorder.accessTokenClaims),
    '',
    'Action log',
    ...(logLines.length === 0 ? ['  (nothing)'] : logLines.map((line) => `  ${line}`)),
    '',
    'Fauna requests',
    ...(requests.length === 0
      ? ['  (none)']
      : table(requests.map((r, i) => [`${i + 1}.`, `${r.method} ${r.url}  ${r.status}  ${r.ms.toFixed(1)} ms`]))),
    '',
    `Total  ${elapsed.toFixed(1)} ms for the Action, ${requests.length} Fauna request(s)`,
  ];
  // Last guard: nothing printed may carry a key or a minted secret, whatever produced the line.
  const credentials = [secrets.FAUNA_SECRET, ...minted];
  for (const line of out) console.log(redact(line, credentials));
  return denied ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(`ERR_USAGE: ${err.message}`);
      console.error(USAGE);
      process.exitCode = 2;
    } else {
      console.error(`simulate failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    }
  },
);
