/**
 * `npm run setup:fauna [-- --dry-run] [-- --create-action-key] [-- --create-revoke-key]`
 *
 * Makes the database match the schema under fauna/: one read query to see what is there, a
 * printed plan, then one write query applying every change (nothing when all is up to date).
 * Reads FAUNA_ENDPOINT and FAUNA_ADMIN_SECRET from the environment or `.env`.
 */
import { parseArgs } from 'node:util';
import { AuthFaunaError, FaunaQueryError, SettingsError } from '../actions/lib/errors';
import { createFaunaClient, queryWithRetry } from '../actions/lib/fauna-client';
import { redact } from '../actions/lib/log';
import {
  ADMIN_KEY_HINTS,
  readAdminConnection,
  type AdminScriptDependencies,
} from '../fauna/admin-connection';
import { SCHEMA } from '../fauna/definitions';
import {
  buildApplyQuery,
  buildReadStateQuery,
  decodeState,
  isApplyResult,
  planChanges,
  type PlanEntry,
} from '../fauna/plan';
import { ACTION_KEYS, keyRolesLabel, type ActionKeySpec } from '../fauna/roles';
import { readEnvironment, runScript } from './environment';

export const USAGE = `Usage: npm run setup:fauna -- [--dry-run] [--create-action-key] [--create-revoke-key] [--create-shared-key]

  --dry-run            print the plan; write nothing
  --create-action-key  also create a key for the fauna-login Action and print its secret once
  --create-revoke-key  also create a key for the revoke-fauna-secrets Action and print its secret once
  --create-shared-key  also create one key holding both roles, for Actions sharing one FAUNA_SECRET

Reads FAUNA_ENDPOINT and FAUNA_ADMIN_SECRET (an admin key) from the environment or .env.`;

export type SetupDependencies = AdminScriptDependencies;

const DEFAULT_BUDGET_MS = 30_000;

function planLine(entry: PlanEntry): string {
  const action = entry.action === 'conflict' ? 'CONFLICT' : entry.action;
  const detail = entry.action === 'unchanged' ? '' : ` (${entry.reason})`;
  return `  ${action.padEnd(9)} ${entry.definition.kind.padEnd(10)} ${entry.definition.name}${detail}`;
}

function keyPlanLine(key: ActionKeySpec): string {
  return `  ${'create'.padEnd(9)} ${'key'.padEnd(10)} role ${keyRolesLabel(key)}, for ${key.usedBy}`;
}

/** Runs the setup; resolves to the process exit code (0 done, 1 failed, 2 bad usage). */
export async function runSetup(argv: readonly string[], deps: SetupDependencies): Promise<number> {
  let flags: Partial<Record<'dry-run' | 'help' | ActionKeySpec['flag'], boolean>>;
  try {
    flags = parseArgs({
      args: [...argv],
      options: {
        'dry-run': { type: 'boolean' },
        'create-action-key': { type: 'boolean' },
        'create-revoke-key': { type: 'boolean' },
        'create-shared-key': { type: 'boolean' },
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

  let secret: string | undefined;
  // Every line but the one deliberate key print goes through this: the admin key never shows.
  const say = (line: string) => deps.out(redact(line, [secret]));
  const complain = (line: string) => deps.err(redact(line, [secret]));

  try {
    const connection = readAdminConnection(deps.env);
    secret = connection.faunaSecret;
    const client = createFaunaClient(connection, deps.fetch ?? globalThis.fetch);
    const budgetMs = deps.budgetMs ?? DEFAULT_BUDGET_MS;

    const read = await queryWithRetry<unknown>(client, buildReadStateQuery(SCHEMA), { budgetMs });
    const plan = planChanges(SCHEMA, decodeState(read.value, SCHEMA));
    const keys = ACTION_KEYS.filter((key) => flags[key.flag] === true);
    const changes = plan.filter((entry) => entry.action === 'create' || entry.action === 'update').length;
    const conflicts = plan.filter((entry) => entry.action === 'conflict');

    say(`Fauna schema at ${connection.faunaEndpoint}:`);
    for (const entry of plan) say(planLine(entry));
    for (const key of keys) say(keyPlanLine(key));

    if (conflicts.length > 0) {
      complain(
        `ERR_SCHEMA_CONFLICT: ${conflicts.map((c) => `${c.definition.kind} ${c.definition.name}`).join(', ')} ` +
          'cannot be brought in line automatically (see above). Nothing was written.',
      );
      return 1;
    }
    if (changes === 0 && keys.length === 0) {
      say('Fauna schema is up to date: nothing to write.');
      return 0;
    }
    if (flags['dry-run'] === true) {
      say(`Dry run: ${changes} schema change(s) and ${keys.length} key(s) planned; nothing written.`);
      return 0;
    }

    const write = await queryWithRetry<unknown>(client, buildApplyQuery(plan, keys), { budgetMs });
    if (!isApplyResult(write.value)) {
      throw new AuthFaunaError(
        'ERR_FAUNA_UNEXPECTED_RESULT',
        'Fauna answered the schema write with an unexpected result; run setup again to see what is in place',
      );
    }
    say(changes === 0 ? 'Fauna schema is up to date.' : `Applied ${write.value.changes} schema change(s) in one transaction.`);
    for (const key of write.value.keys) {
      const spec = keys.find((k) => keyRolesLabel(k) === key.role);
      say(`Created key ${key.id} with role ${key.role}, for ${spec?.usedBy ?? 'an Action'}.`);
      say('Its secret is printed this once and cannot be read back. Store it now, then clear your terminal:');
      // The one place a secret is printed, on purpose: the admin asked for it with a flag.
      deps.out(`  ${key.secret}`);
    }
    return 0;
  } catch (e) {
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

if (require.main === module) {
  runScript('setup:fauna', () =>
    runSetup(process.argv.slice(2), {
      env: readEnvironment(),
      out: (line) => console.log(line),
      err: (line) => console.error(line),
    }),
  );
}
