/**
 * `npm run setup:fauna [-- --dry-run] [-- --finalize] [-- --create-action-key] [-- --create-revoke-key]`
 *
 * Makes the database match the schema under fauna/: one read query to see what is there, a
 * printed plan, then one write query applying every change (nothing when all is up to date),
 * then waits until every index is active and the functions the Actions call answer. On a
 * database of the previous version it expands (fauna/upgrade.ts); `--finalize` contracts.
 * Reads FAUNA_ENDPOINT and FAUNA_ADMIN_SECRET from the environment or `.env`.
 */
import { parseArgs } from 'node:util';
import { query as q, type Client } from 'faunadb';
import { AuthFaunaError, FaunaQueryError, SettingsError } from '../actions/lib/errors';
import { createFaunaClient, queryWithRetry } from '../actions/lib/fauna-client';
import { redact } from '../actions/lib/log';
import {
  ADMIN_KEY_HINTS,
  readAdminConnection,
  type AdminScriptDependencies,
} from '../fauna/admin-connection';
import { SCHEMA } from '../fauna/definitions';
import { FUNCTION_PROBES, type FunctionProbe } from '../fauna/function-probes';
import {
  buildApplyQuery,
  buildIndexActivityQuery,
  buildReadStateQuery,
  buildingIndexes,
  decodeState,
  isApplyResult,
  planChanges,
  type PlanEntry,
} from '../fauna/plan';
import { ACTION_KEYS, keyRolesLabel, type ActionKeySpec } from '../fauna/roles';
import { KEY_ROLE_UPGRADES, desiredSchema, finalizeTooEarly } from '../fauna/upgrade';
import { readEnvironment, runScript } from './environment';
import { KeyFileError, discardKeyFile, openKeyFile, writeKeyFile, type OpenKeyFile } from './key-file';

export const USAGE = `Usage: npm run setup:fauna -- [--dry-run] [--finalize] [--create-action-key] [--create-revoke-key] [--create-shared-key] [--key-file FILE] [--wait-seconds N]

  --dry-run            print the plan (and indexes still building); write nothing
  --finalize           the upgrade's last step, once this version's Actions are deployed: the
                       Actions' keys keep only the right to call login and revoke_user
  --wait-seconds N     how long to wait for indexes still building and new functions before giving up (default 600)
  --create-action-key  also create a key for the fauna-login Action and print its secret once
  --create-revoke-key  also create a key for the revoke-fauna-secrets Action and print its secret once
  --create-shared-key  also create one key holding both roles, for Actions sharing one FAUNA_SECRET
  --key-file FILE      with --create-*-key: write the new secret(s) to FILE (created with mode 600,
                       never overwritten) as FAUNA_SECRET= / FAUNA_REVOKE_SECRET= lines, not to the terminal

Reads FAUNA_ENDPOINT and FAUNA_ADMIN_SECRET (an admin key) from the environment or .env.`;

export interface SetupDependencies extends AdminScriptDependencies {
  /** Injected for tests; default real time. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_BUDGET_MS = 30_000;
const DEFAULT_WAIT_SECONDS = 600;
const POLL_MS = 2_000;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The variable each created key's secret belongs in. */
const KEY_VARIABLES: Readonly<Record<ActionKeySpec['flag'], readonly string[]>> = {
  'create-action-key': ['FAUNA_SECRET'],
  'create-revoke-key': ['FAUNA_REVOKE_SECRET'],
  'create-shared-key': ['FAUNA_SECRET', 'FAUNA_REVOKE_SECRET'],
};

export interface LiveKey {
  readonly id: string;
  /** When the key document was last written, which for a key is when it was created (ISO 8601). */
  readonly createdAt: string;
  readonly roles: readonly string[];
}

/** Every key's id, time and role names (never a secret, nor its hash); the admin key may read keys. */
function buildLiveKeysQuery() {
  return q.Map(
    q.Paginate(q.Keys(), { size: 1000 }),
    q.Lambda('ref', q.Let({ key: q.Get(q.Var('ref')) }, { id: q.Select(['ref', 'id'], q.Var('key')), ts: q.Select('ts', q.Var('key')), role: q.Select('role', q.Var('key'), null) })),
  );
}

function roleNames(role: unknown): string[] {
  const one = (r: unknown) => (typeof r === 'string' ? r : typeof r === 'object' && r !== null && typeof (r as { id?: unknown }).id === 'string' ? (r as { id: string }).id : '?');
  return Array.isArray(role) ? role.map(one) : role === null || role === undefined ? [] : [one(role)];
}

function decodeLiveKeys(value: unknown): LiveKey[] {
  const data = (value as { data?: unknown } | undefined)?.data;
  if (!Array.isArray(data)) return [];
  return data.map((entry: { id?: unknown; ts?: unknown; role?: unknown }) => ({
    id: String(entry.id),
    createdAt: typeof entry.ts === 'number' ? new Date(Math.floor(entry.ts / 1000)).toISOString() : '?',
    roles: roleNames(entry.role),
  }));
}

/** The live keys holding exactly this spec's roles, oldest first. */
function keysOfRole(keys: readonly LiveKey[], spec: ActionKeySpec): LiveKey[] {
  const wanted = spec.roles.map((r) => r.name).sort().join('+');
  return keys.filter((k) => [...k.roles].sort().join('+') === wanted).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

function planLine(entry: PlanEntry): string {
  const action = entry.action === 'conflict' ? 'CONFLICT' : entry.action;
  const detail = entry.action === 'unchanged' && entry.building !== true ? '' : ` (${entry.reason})`;
  return `  ${action.padEnd(9)} ${entry.definition.kind.padEnd(10)} ${entry.definition.name}${detail}`;
}

function keyPlanLine(key: ActionKeySpec): string {
  return `  ${'create'.padEnd(9)} ${'key'.padEnd(10)} role ${keyRolesLabel(key)}, for ${key.usedBy}`;
}

/** Runs the setup; resolves to the process exit code (0 done, 1 failed, 2 bad usage). */
export async function runSetup(argv: readonly string[], deps: SetupDependencies): Promise<number> {
  let flags: Partial<Record<'dry-run' | 'finalize' | 'help' | ActionKeySpec['flag'], boolean>> & { 'wait-seconds'?: string; 'key-file'?: string };
  try {
    flags = parseArgs({
      args: [...argv],
      options: {
        'dry-run': { type: 'boolean' },
        finalize: { type: 'boolean' },
        'create-action-key': { type: 'boolean' },
        'create-revoke-key': { type: 'boolean' },
        'create-shared-key': { type: 'boolean' },
        'wait-seconds': { type: 'string' },
        'key-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    deps.err(`ERR_USAGE: ${(e as Error).message}`);
    deps.err(USAGE);
    return 2;
  }
  if (flags.help === true) {
    deps.out(USAGE);
    return 0;
  }
  const waitSeconds = flags['wait-seconds'] === undefined ? DEFAULT_WAIT_SECONDS : Number(flags['wait-seconds']);
  if (!Number.isInteger(waitSeconds) || waitSeconds < 0) {
    deps.err('ERR_USAGE: --wait-seconds must be a whole number of seconds, 0 or more');
    deps.err(USAGE);
    return 2;
  }

  if (flags['key-file'] !== undefined && !ACTION_KEYS.some((key) => flags[key.flag] === true)) {
    deps.err('ERR_USAGE: --key-file goes with --create-action-key, --create-revoke-key or --create-shared-key');
    deps.err(USAGE);
    return 2;
  }

  let secret: string | undefined;
  let keyFile: OpenKeyFile | undefined;
  // Every line but the one deliberate key print goes through this: the admin key never shows.
  const say = (line: string) => deps.out(redact(line, [secret]));
  const complain = (line: string) => deps.err(redact(line, [secret]));

  try {
    const connection = readAdminConnection(deps.env);
    secret = connection.faunaSecret;
    const client = createFaunaClient(connection, deps.fetch ?? globalThis.fetch);
    const budgetMs = deps.budgetMs ?? DEFAULT_BUDGET_MS;

    const read = await queryWithRetry<unknown>(client, buildReadStateQuery(SCHEMA), { budgetMs, secretName: 'FAUNA_ADMIN_SECRET' });
    const state = decodeState(read.value, SCHEMA);
    const finalize = flags.finalize === true;
    const tooEarly = finalize ? finalizeTooEarly(state) : undefined;
    if (tooEarly !== undefined) {
      complain(`ERR_FINALIZE_TOO_EARLY: ${tooEarly}. Nothing was written.`);
      return 1;
    }
    const desired = desiredSchema(SCHEMA, state, { finalize });
    const plan = planChanges(desired, state);
    const expanded = KEY_ROLE_UPGRADES.filter((upgrade) => desired.includes(upgrade.expanded)).map((upgrade) => upgrade.final.name);
    const keys = ACTION_KEYS.filter((key) => flags[key.flag] === true);
    const changes = plan.filter((entry) => entry.action === 'create' || entry.action === 'update').length;
    const conflicts = plan.filter((entry) => entry.action === 'conflict');

    say(`Fauna schema at ${connection.faunaEndpoint}:`);
    for (const entry of plan) say(planLine(entry));
    for (const key of keys) say(keyPlanLine(key));
    // Informational: a failure to list is said, and changes nothing about the run's outcome.
    const listLiveKeys = async (created: readonly string[]) => {
      if (keys.length === 0) return;
      let live: LiveKey[];
      try {
        live = decodeLiveKeys((await queryWithRetry<unknown>(client, buildLiveKeysQuery(), { budgetMs, secretName: 'FAUNA_ADMIN_SECRET' })).value);
      } catch (e) {
        complain(`Could not list the live keys (${e instanceof FaunaQueryError ? e.code : 'unexpected error'}); npm run setup:fauna -- --dry-run ${keys.map((k) => `--${k.flag}`).join(' ')} lists them.`);
        return;
      }
      for (const key of keys) {
        const found = keysOfRole(live, key);
        say(`Live keys with role ${keyRolesLabel(key)} (${found.length}; never shown: their secrets):`);
        for (const k of found) say(`  key ${k.id}, created ${k.createdAt}${created.includes(k.id) ? ' (new)' : ''}`);
        if (found.length > (created.length > 0 ? 1 : 0)) {
          say('  Keys never expire: delete each one no Action uses any more (docs/deploy-and-operate.md, "Delete old Fauna keys").');
        }
      }
    };

    if (conflicts.length > 0) {
      complain(
        `ERR_SCHEMA_CONFLICT: ${conflicts.map((c) => `${c.definition.kind} ${c.definition.name}`).join(', ')} ` +
          'cannot be brought in line automatically (see above). Nothing was written.',
      );
      return 1;
    }
    // The upgrade's middle: say what is left to do, on every run until it is done.
    const upgradeNote = () => {
      if (expanded.length > 0) {
        say(
          `Upgrade (expand): ${expanded.join(', ')} keep the previous version's direct privileges beside calling the functions, ` +
            'so Actions of either version log users in. Deploy the Actions (`npm run deploy:tenant`), then run ' +
            '`npm run setup:fauna -- --finalize` to leave the keys only the call.',
        );
      }
    };
    const waitOptions = { budgetMs, waitSeconds, now: deps.now ?? Date.now, sleep: deps.sleep ?? realSleep, say };
    // "Done" means logins work: every index active (an index created over a populated collection
    // is built in the background) and the functions the Actions call answering.
    const waitUntilReady = async () => {
      await waitForIndexBuilds(client, waitOptions);
      await waitForFunctions(client, FUNCTION_PROBES, waitOptions);
      upgradeNote();
      return 0;
    };
    if (changes === 0 && keys.length === 0) {
      say('Fauna schema is up to date: nothing to write.');
      if (flags['dry-run'] === true) {
        upgradeNote();
        return 0;
      }
      return await waitUntilReady();
    }
    if (flags['dry-run'] === true) {
      await listLiveKeys([]);
      say(`Dry run: ${changes} schema change(s) and ${keys.length} key(s) planned; nothing written.`);
      upgradeNote();
      return 0;
    }

    // The file exists before the key does: a path that cannot be written must not cost a key.
    if (flags['key-file'] !== undefined) keyFile = openKeyFile(flags['key-file']);
    let write: Awaited<ReturnType<typeof queryWithRetry<unknown>>>;
    try {
      write = await queryWithRetry<unknown>(client, buildApplyQuery(plan, keys), { budgetMs, secretName: 'FAUNA_ADMIN_SECRET' });
    } catch (e) {
      if (keyFile !== undefined) discardKeyFile(keyFile);
      throw e;
    }
    if (!isApplyResult(write.value)) {
      throw new AuthFaunaError(
        'ERR_FAUNA_UNEXPECTED_RESULT',
        'Fauna answered the schema write with an unexpected result; run setup again to see what is in place',
      );
    }
    say(changes === 0 ? 'Fauna schema is up to date.' : `Applied ${write.value.changes} schema change(s) in one transaction.`);
    const created = write.value.keys;
    if (keyFile !== undefined) {
      const entries = created.flatMap((key) => {
        const spec = keys.find((k) => keyRolesLabel(k) === key.role);
        return (spec ? KEY_VARIABLES[spec.flag] : ['FAUNA_SECRET']).map((name) => ({
          name,
          value: key.secret,
          comment: `key ${key.id}, role ${key.role}, for ${spec?.usedBy ?? 'an Action'}`,
        }));
      });
      writeKeyFile(keyFile, entries, `Created by npm run setup:fauna at ${new Date((deps.now ?? Date.now)()).toISOString()}. Keep this file private; delete it once the values are where they belong.`);
      for (const key of created) say(`Created key ${key.id} with role ${key.role}; its secret is in ${flags['key-file']} (mode 600), not shown here.`);
    }
    for (const key of keyFile === undefined ? created : []) {
      const spec = keys.find((k) => keyRolesLabel(k) === key.role);
      say(`Created key ${key.id} with role ${key.role}, for ${spec?.usedBy ?? 'an Action'}.`);
      say('Its secret is printed this once and cannot be read back. Store it now, then clear your terminal (or use --key-file):');
      // The one place a secret is printed, on purpose: the admin asked for it with a flag.
      deps.out(`  ${key.secret}`);
    }
    await listLiveKeys(created.map((k) => k.id));
    return await waitUntilReady();
  } catch (e) {
    if (e instanceof KeyFileError) {
      complain(`${e.code}: ${e.message}. ${e.code === 'ERR_KEY_FILE_VALUE' ? 'The key was created but its secret not saved: delete it (docs/deploy-and-operate.md, "Delete old Fauna keys") and run again.' : 'Nothing was written.'}`);
      return 1;
    }
    if (e instanceof SettingsError) {
      for (const problem of e.problems) complain(`${e.code}: ${problem.message}`);
      return 1;
    }
    if (e instanceof FaunaQueryError || e instanceof AuthFaunaError) {
      complain(`${e.code}: ${e.message}`);
      const hint = ADMIN_KEY_HINTS[e.code];
      if (hint !== undefined) complain(hint);
      return 1;
    }
    throw e;
  }
}

interface WaitOptions {
  readonly budgetMs: number;
  readonly waitSeconds: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly say: (line: string) => void;
}

/** Polls the schema's indexes until all are active, or throws ERR_INDEX_BUILDING when the wait runs out. */
async function waitForIndexBuilds(client: Client, options: WaitOptions): Promise<void> {
  const started = options.now();
  const deadline = started + options.waitSeconds * 1000;
  for (;;) {
    const read = await queryWithRetry<unknown>(client, buildIndexActivityQuery(SCHEMA), { budgetMs: options.budgetMs, secretName: 'FAUNA_ADMIN_SECRET' });
    const building = buildingIndexes(read.value, SCHEMA);
    const waited = Math.round((options.now() - started) / 1000);
    if (building.length === 0) {
      if (waited > 0) options.say(`Every index is active (waited ${waited} s).`);
      return;
    }
    if (options.now() >= deadline) {
      throw new AuthFaunaError(
        'ERR_INDEX_BUILDING',
        `index(es) ${building.join(', ')} still building after ${waited} s; until they are active, logins fail ` +
          '(400 instance not found). Run `npm run setup:fauna` again later: it writes nothing and waits again',
      );
    }
    options.say(`Waiting for index build(s) to finish: ${building.join(', ')} (${waited} s so far, up to ${options.waitSeconds} s)`);
    await options.sleep(Math.min(POLL_MS, Math.max(0, deadline - options.now())));
  }
}

/** How a probe call ended: the function answered, is not known (yet), or answered something else. */
async function probe(client: Client, fn: FunctionProbe, budgetMs: number): Promise<'answers' | 'unknown' | string> {
  try {
    await queryWithRetry<unknown>(client, fn.call, { budgetMs, secretName: 'FAUNA_ADMIN_SECRET' });
    return 'accepted an argument it must refuse';
  } catch (e) {
    if (!(e instanceof FaunaQueryError)) throw e;
    if (e.code === 'ERR_FAUNA_CALL_ABORTED' && e.faunaDescription?.startsWith(fn.answersWith) === true) return 'answers';
    if (e.code === 'ERR_FAUNA_SCHEMA_MISSING') return 'unknown';
    if (e.code === 'ERR_FAUNA_CALL_ABORTED' || e.code === 'ERR_FAUNA_BAD_REQUEST' || e.code === 'ERR_FAUNA_FUNCTION_DENIED') {
      return `answered ${e.faunaCode}${e.faunaDescription === undefined ? '' : ` (${e.faunaDescription})`}`;
    }
    throw e;
  }
}

/**
 * Calls each function the Actions call with an argument it refuses, until each answers with its
 * own refusal: a function just created may be unknown to a node's schema cache for a moment (400
 * `invalid ref`), and a login then would fail. Throws ERR_FUNCTION_NOT_ANSWERING when the wait
 * runs out, or at once when a function answers otherwise (not this version's).
 */
async function waitForFunctions(client: Client, probes: readonly FunctionProbe[], options: WaitOptions): Promise<void> {
  const started = options.now();
  const deadline = started + options.waitSeconds * 1000;
  for (;;) {
    const pending: string[] = [];
    for (const fn of probes) {
      const outcome = await probe(client, fn, options.budgetMs);
      if (outcome === 'unknown') pending.push(fn.name);
      else if (outcome !== 'answers') {
        throw new AuthFaunaError(
          'ERR_FUNCTION_NOT_ANSWERING',
          `function ${fn.name} ${outcome} instead of refusing a bad argument with "${fn.answersWith} …": it is not this version's; run setup again, and check no one edits it by hand`,
        );
      }
    }
    const waited = Math.round((options.now() - started) / 1000);
    if (pending.length === 0) {
      if (waited > 0) options.say(`Every function answers (waited ${waited} s).`);
      return;
    }
    if (options.now() >= deadline) {
      throw new AuthFaunaError(
        'ERR_FUNCTION_NOT_ANSWERING',
        `function(s) ${pending.join(', ')} still unknown to the server after ${waited} s (400 invalid ref); until they answer, logins fail. ` +
          'Run `npm run setup:fauna` again later: it writes nothing and waits again',
      );
    }
    options.say(`Waiting for function(s) to answer: ${pending.join(', ')} (${waited} s so far, up to ${options.waitSeconds} s)`);
    await options.sleep(Math.min(POLL_MS, Math.max(0, deadline - options.now())));
  }
}

if (require.main === module) {
  runScript('setup:fauna', () =>
    runSetup(process.argv.slice(2), {
      env: readEnvironment(process.cwd(), process.env, { faunaEnvFile: true }),
      out: (line) => console.log(line),
      err: (line) => console.error(line),
    }),
  );
}
