import nock from 'nock';
import { INVALID_LOGIN_ARGUMENTS, INVALID_REVOKE_ARGUMENTS } from '../../actions/lib/login-contract';
import {
  LOGIN_ACTION_ROLE,
  LOGIN_SECRET_ROLE,
  REVOKE_ACTION_ROLE,
  TOKENS_BY_INSTANCE_INDEX,
} from '../../actions/lib/schema-names';
import { SCHEMA } from '../../fauna/definitions';
import { fingerprint } from '../../fauna/plan';
import { LOGIN_SECRET } from '../../fauna/roles';
import type { SchemaDefinition } from '../../fauna/schema';
import { runSetup, type SetupDependencies } from '../../scripts/setup-fauna';
import {
  TEST_ENDPOINT,
  callErrorBody,
  collectionRef,
  errorBody,
  faunaHeaders,
  findCalls,
  parseRequestBody,
  resourceBody,
} from '../support/fauna-wire';

const ADMIN_KEY = 'fnADMIN_KEY_for_setup_tests_do_not_print_42';
const CREATED_KEY_SECRET = 'fnCREATED_ACTION_KEY_secret_shown_once_7';
const ENV = { FAUNA_ENDPOINT: TEST_ENDPOINT, FAUNA_ADMIN_SECRET: ADMIN_KEY };

/** The read query's answer, in the wire format, for a database holding `present` as defined. */
function stateBody(present: (def: SchemaDefinition) => boolean, override: Partial<Record<string, unknown>> = {}) {
  const state: Record<string, Record<string, unknown>> = { collection: {}, index: {}, function: {}, role: {} };
  for (const def of SCHEMA) {
    let observed: unknown = null;
    if (present(def)) {
      switch (def.kind) {
        case 'collection':
          observed = { history_days: def.historyDays ?? 30 };
          break;
        case 'index':
          observed = {
            source: def.source.kind === 'tokens' ? { '@ref': { id: 'tokens' } } : collectionRef(def.source.name),
            terms: def.terms.map((field) => ({ field })),
            values: (def.values ?? []).map((field) => ({ field })),
            unique: def.unique,
          };
          break;
        default:
          observed = { fingerprint: fingerprint(def) };
      }
    }
    state[def.kind][def.name] = def.name in override ? override[def.name] : observed;
  }
  return resourceBody(state);
}

/** The index-activity poll's answer: every index active but those named. */
function activityBody(building: readonly string[] = []) {
  return resourceBody(
    Object.fromEntries(SCHEMA.filter((def) => def.kind === 'index').map((def) => [def.name, !building.includes(def.name)])),
  );
}
const ALL_ACTIVE = { status: 200, body: activityBody() };
/** The live keys query's answer when the database holds none (setup:fauna lists them with --create-*-key). */
const NO_LIVE_KEYS = { status: 200, body: resourceBody({ data: [] }) };

/** The probes' answers when the functions are in place: each refuses the bad argument with its own prefix. */
const LOGIN_ANSWERS = { status: 400, body: callErrorBody('transaction aborted', `${INVALID_LOGIN_ARGUMENTS} expected one object {…}`) };
const REVOKE_ANSWERS = { status: 400, body: callErrorBody('transaction aborted', `${INVALID_REVOKE_ARGUMENTS} auth0_id must be a non-empty string`) };
/** What follows every successful run: the indexes all active, then both functions answering. */
const READY = [ALL_ACTIVE, LOGIN_ANSWERS, REVOKE_ANSWERS];

const EMPTY = () => false;
const COMPLETE = () => true;

interface Recorded {
  bodies: unknown[];
  out: string[];
  err: string[];
}

/**
 * The schema write answered as Fauna evaluates it: the write ends in `{changes: N, keys}` with N
 * the count setup put in the query, so "Applied N" reports the plan, not a number the test made up.
 */
function answerAsWritten(request: unknown): string {
  const changes = (request as { in?: { object?: { changes?: unknown } } }).in?.object?.changes;
  if (typeof changes !== 'number') throw new Error('the schema write does not end in {changes: N, keys}');
  return resourceBody({ changes, keys: [] });
}

/** Scripts Fauna's replies in order; records each request body and everything printed. */
function scriptFauna(replies: { status: number; body: string | ((request: unknown) => string) }[]): Recorded {
  const recorded: Recorded = { bodies: [], out: [], err: [] };
  const scope = nock(TEST_ENDPOINT, { reqheaders: { authorization: `Bearer ${ADMIN_KEY}` } });
  for (const reply of replies) {
    const body = reply.body;
    scope
      .post('/', (request) => recorded.bodies.push(parseRequestBody(request)) > 0)
      .reply((_uri, request) => [reply.status, typeof body === 'string' ? body : body(parseRequestBody(request)), faunaHeaders()]);
  }
  return recorded;
}

async function setup(
  argv: string[],
  recorded: Recorded,
  env: Record<string, string> = ENV,
  clock?: Pick<SetupDependencies, 'now' | 'sleep'>,
): Promise<number> {
  return runSetup(argv, {
    env,
    out: (line) => recorded.out.push(line),
    err: (line) => recorded.err.push(line),
    budgetMs: 2_000,
    fetch: globalThis.fetch,
    ...clock,
  });
}

const KINDS = ['create_collection', 'create_index', 'create_function', 'create_role', 'create_key', 'update'] as const;
/** The request without the functions' and predicates' bodies (`Query(Lambda)`): the writes it makes, not the ones it stores. */
const withoutStoredLambdas = (body: unknown): unknown =>
  JSON.parse(JSON.stringify(body), (key, value: unknown) => (key === 'query' ? null : value));
const countCalls = (body: unknown) => Object.fromEntries(KINDS.map((kind) => [kind, findCalls(withoutStoredLambdas(body), kind).length]));

function printedNoAdminKey(recorded: Recorded) {
  for (const line of [...recorded.out, ...recorded.err]) expect(line).not.toContain(ADMIN_KEY);
}

describe('npm run setup:fauna', () => {
  it('creates everything on an empty database: one read, then one write', async () => {
    const recorded = scriptFauna([
      { status: 200, body: stateBody(EMPTY) },
      { status: 200, body: answerAsWritten },
      ...READY,
    ]);

    expect(await setup([], recorded)).toBe(0);

    // The read, the write, one read of the indexes' build state, then a call of each function.
    expect(recorded.bodies).toHaveLength(5);
    expect(JSON.stringify(recorded.bodies[2])).toContain('"select":"active"');
    expect(recorded.bodies.slice(3)).toEqual([
      { call: { function: 'login' }, arguments: { object: {} } },
      { call: { function: 'revoke_user' }, arguments: '' },
    ]);
    // The read query writes nothing.
    expect(Object.values(countCalls(recorded.bodies[0])).every((n) => n === 0)).toBe(true);
    const defined = (kind: string) => SCHEMA.filter((def) => def.kind === kind).length;
    expect(countCalls(recorded.bodies[1])).toEqual({
      create_collection: defined('collection'),
      create_index: defined('index'),
      create_function: defined('function'),
      create_role: defined('role'),
      create_key: 0,
      update: 0,
    });
    const tokensIndex = findCalls(recorded.bodies[1], 'create_index').find(
      (call) => JSON.stringify(call).includes(TOKENS_BY_INSTANCE_INDEX),
    );
    expect(JSON.stringify(tokensIndex)).toContain('"source":{"tokens":null}');
    expect(JSON.stringify(tokensIndex)).toContain('"terms":[{"object":{"field":["instance"]}}]');
    // Objects created in this write are referred to by the ref their create returned, not by a
    // name the transaction's schema snapshot does not know yet.
    const roles = findCalls(recorded.bodies[1], 'create_role').map((call) => JSON.stringify(call));
    expect(roles.some((role) => role.includes('"membership":[{"object":{"resource":{"var":"collection_1"}'))).toBe(true);
    expect(roles.join()).not.toContain('"resource":{"collection":');
    expect(recorded.out.join('\n')).toContain(`Applied ${SCHEMA.length} schema change(s)`);
    expect(recorded.out.filter((line) => /^\s+create\s/.test(line))).toHaveLength(SCHEMA.length);
    printedNoAdminKey(recorded);
  });

  it('writes nothing on a second run and says it is up to date', async () => {
    const recorded = scriptFauna([{ status: 200, body: stateBody(COMPLETE) }, ...READY]);

    expect(await setup([], recorded)).toBe(0);

    // The read, then the same checks that logins work: indexes active, functions answering.
    expect(recorded.bodies).toHaveLength(4);
    expect(countCalls(recorded.bodies.slice(1))).toEqual(countCalls([]));
    expect(recorded.out.join('\n')).toContain('up to date');
    expect(recorded.out.filter((line) => /^\s+unchanged\s/.test(line))).toHaveLength(SCHEMA.length);
  });

  it('updates only a role whose definition changed, and says so', async () => {
    const recorded = scriptFauna([
      { status: 200, body: stateBody(COMPLETE, { [LOGIN_SECRET_ROLE]: { fingerprint: 'from-an-older-release' } }) },
      { status: 200, body: answerAsWritten },
      ...READY,
    ]);

    expect(await setup([], recorded)).toBe(0);

    expect(recorded.bodies).toHaveLength(5);
    expect(countCalls(recorded.bodies[1])).toEqual({
      create_collection: 0,
      create_index: 0,
      create_function: 0,
      create_role: 0,
      create_key: 0,
      update: 1,
    });
    const update = JSON.stringify(recorded.bodies[1]);
    expect(update).toContain(`"update":{"role":"${LOGIN_SECRET_ROLE}"}`);
    expect(update).toContain(`"fingerprint":"${fingerprint(LOGIN_SECRET)}"`);
    expect(recorded.out.some((line) => /update\s+role\s+auth0_login_secret \(definition changed\)/.test(line))).toBe(true);
    expect(recorded.out.join('\n')).toContain('Applied 1 schema change(s)');
  });

  it('prints the plan on --dry-run and sends no write', async () => {
    const recorded = scriptFauna([{ status: 200, body: stateBody(EMPTY) }, NO_LIVE_KEYS]);

    expect(await setup(['--dry-run', '--create-action-key'], recorded)).toBe(0);

    // The state, then the live keys of the role (a read).
    expect(recorded.bodies).toHaveLength(2);
    expect(countCalls(recorded.bodies[0]).create_key).toBe(0);
    expect(findCalls(recorded.bodies[1], 'paginate')).toEqual([{ keys: null }]);
    const printed = recorded.out.join('\n');
    expect(printed).toContain(`Dry run: ${SCHEMA.length} schema change(s) and 1 key(s) planned; nothing written.`);
    expect(printed).toMatch(new RegExp(`create\\s+key\\s+role ${LOGIN_ACTION_ROLE}`));
  });

  it('refuses, writing nothing, when an index exists with other terms', async () => {
    const recorded = scriptFauna([
      {
        status: 200,
        body: stateBody(COMPLETE, {
          [TOKENS_BY_INSTANCE_INDEX]: { source: { '@ref': { id: 'tokens' } }, terms: [{ field: ['data', 'x'] }], unique: false },
        }),
      },
    ]);

    expect(await setup([], recorded)).toBe(1);

    expect(recorded.bodies).toHaveLength(1);
    expect(recorded.out.some((line) => line.includes('CONFLICT') && line.includes(`delete index ${TOKENS_BY_INSTANCE_INDEX}`))).toBe(true);
    expect(recorded.err.join('\n')).toContain('ERR_SCHEMA_CONFLICT');
  });

  it('creates the login Action key on request and prints its secret exactly once', async () => {
    const recorded = scriptFauna([
      { status: 200, body: stateBody(COMPLETE) },
      { status: 200, body: resourceBody({ changes: 0, keys: [{ role: LOGIN_ACTION_ROLE, id: '381', secret: CREATED_KEY_SECRET }] }) },
      NO_LIVE_KEYS,
      ...READY,
    ]);

    expect(await setup(['--create-action-key'], recorded)).toBe(0);

    const keys = findCalls(recorded.bodies[1], 'create_key');
    expect(keys).toHaveLength(1);
    // The role exists already, so the key names it.
    expect(JSON.stringify(keys[0])).toContain(`"role":{"role":"${LOGIN_ACTION_ROLE}"}`);
    expect(countCalls(recorded.bodies[1]).update).toBe(0);
    expect(recorded.out.filter((line) => line.includes(CREATED_KEY_SECRET))).toHaveLength(1);
    expect(recorded.out.join('\n')).toContain(`Created key 381 with role ${LOGIN_ACTION_ROLE}`);
    expect(recorded.err.join('\n')).not.toContain(CREATED_KEY_SECRET);
    printedNoAdminKey(recorded);
  });

  it('creates one key holding both Action roles on --create-shared-key', async () => {
    const recorded = scriptFauna([
      { status: 200, body: stateBody(COMPLETE) },
      {
        status: 200,
        body: resourceBody({ changes: 0, keys: [{ role: `${LOGIN_ACTION_ROLE} + ${REVOKE_ACTION_ROLE}`, id: '382', secret: CREATED_KEY_SECRET }] }),
      },
      NO_LIVE_KEYS,
      ...READY,
    ]);

    expect(await setup(['--create-shared-key'], recorded)).toBe(0);

    const keys = findCalls(recorded.bodies[1], 'create_key');
    expect(keys).toHaveLength(1);
    expect(JSON.stringify(keys[0])).toContain(`"role":[{"role":"${LOGIN_ACTION_ROLE}"},{"role":"${REVOKE_ACTION_ROLE}"}]`);
    expect(recorded.out.filter((line) => line.includes(CREATED_KEY_SECRET))).toHaveLength(1);
  });

  it('names every missing variable and sends nothing', async () => {
    const recorded = scriptFauna([]);

    expect(await setup([], recorded, {})).toBe(1);

    expect(recorded.bodies).toHaveLength(0);
    const printed = recorded.err.join('\n');
    expect(printed).toContain('ERR_SETTINGS_INVALID: FAUNA_ENDPOINT is missing');
    expect(printed).toContain('ERR_SETTINGS_INVALID: FAUNA_ADMIN_SECRET is missing');
  });

  it('names a bad FAUNA_ENDPOINT without printing it or the key', async () => {
    const recorded = scriptFauna([]);
    const endpoint = 'https://admin:hunter2@fauna.test:8443';

    expect(await setup([], recorded, { FAUNA_ENDPOINT: endpoint, FAUNA_ADMIN_SECRET: ADMIN_KEY })).toBe(1);

    expect(recorded.err.join('\n')).toContain('FAUNA_ENDPOINT must not carry credentials');
    expect(recorded.err.join('\n')).not.toContain('hunter2');
    printedNoAdminKey(recorded);
  });

  it('says the admin key is refused, without printing it', async () => {
    const recorded = scriptFauna([{ status: 401, body: errorBody('unauthorized', 'Unauthorized') }]);

    expect(await setup([], recorded)).toBe(1);

    expect(recorded.err.join('\n')).toContain('ERR_FAUNA_UNAUTHORIZED');
    expect(recorded.err.join('\n')).toContain('FAUNA_ADMIN_SECRET is not a valid key');
    // The key setup uses is the admin's: the Actions' setting is not named.
    expect(recorded.err.join('\n')).not.toMatch(/\bFAUNA_SECRET\b/);
    printedNoAdminKey(recorded);
  });

  it('refuses an unknown flag with the usage', async () => {
    const recorded = scriptFauna([]);

    expect(await setup(['--force'], recorded)).toBe(2);

    expect(recorded.err[0]).toMatch(/^ERR_USAGE: .*--force/);
    expect(recorded.err.join('\n')).toContain('--dry-run');
  });
});

describe('npm run setup:fauna and indexes still building', () => {
  const NOTES_INDEX = 'notes_by_owner';
  const indexState = (active: boolean) => {
    const def = SCHEMA.find((d) => d.name === NOTES_INDEX);
    if (def?.kind !== 'index' || def.source.kind !== 'collection') throw new Error(`expected index ${NOTES_INDEX} in the schema`);
    return { source: collectionRef(def.source.name), terms: def.terms.map((field) => ({ field })), unique: def.unique, active };
  };
  /** A clock that moves only when setup sleeps: the wait is measured, never spent. */
  const fakeClock = () => {
    let now = 0;
    const slept: number[] = [];
    return {
      slept,
      clock: {
        now: () => now,
        sleep: async (ms: number) => {
          slept.push(ms);
          now += ms;
        },
      },
    };
  };

  it('waits after its write until every index is active, with progress, then says so', async () => {
    const recorded = scriptFauna([
      { status: 200, body: stateBody((def) => def.name !== NOTES_INDEX) },
      { status: 200, body: answerAsWritten },
      { status: 200, body: activityBody([NOTES_INDEX]) },
      { status: 200, body: activityBody([NOTES_INDEX]) },
      ...READY,
    ]);
    const { clock, slept } = fakeClock();

    expect(await setup([], recorded, ENV, clock)).toBe(0);

    expect(recorded.bodies).toHaveLength(7);
    expect(slept).toEqual([2000, 2000]);
    const progress = recorded.out.filter((line) => line.startsWith('Waiting for index build(s) to finish'));
    expect(progress).toEqual([
      `Waiting for index build(s) to finish: ${NOTES_INDEX} (0 s so far, up to 600 s)`,
      `Waiting for index build(s) to finish: ${NOTES_INDEX} (2 s so far, up to 600 s)`,
    ]);
    expect(recorded.out.at(-1)).toBe('Every index is active (waited 4 s).');
  });

  it('waits for a new function the server does not know yet (400 invalid ref) until it answers, with progress', async () => {
    const unknown = { status: 400, body: errorBody('invalid ref', "Ref refers to undefined function 'login'", ['call']) };
    const recorded = scriptFauna([{ status: 200, body: stateBody(COMPLETE) }, ALL_ACTIVE, unknown, REVOKE_ANSWERS, LOGIN_ANSWERS, REVOKE_ANSWERS]);
    const { clock, slept } = fakeClock();

    expect(await setup([], recorded, ENV, clock)).toBe(0);

    expect(slept).toEqual([2000]);
    expect(recorded.out).toContain('Waiting for function(s) to answer: login (0 s so far, up to 600 s)');
    expect(recorded.out.at(-1)).toBe('Every function answers (waited 2 s).');
  });

  it('gives up on a function still unknown after --wait-seconds, and fails at once on one that answers otherwise', async () => {
    const unknown = { status: 400, body: errorBody('invalid ref', "Ref refers to undefined function 'login'", ['call']) };
    const stillUnknown = scriptFauna([{ status: 200, body: stateBody(COMPLETE) }, ALL_ACTIVE, unknown, REVOKE_ANSWERS, unknown, REVOKE_ANSWERS]);
    expect(await setup(['--wait-seconds', '1'], stillUnknown, ENV, fakeClock().clock)).toBe(1);
    expect(stillUnknown.err.join('\n')).toContain('ERR_FUNCTION_NOT_ANSWERING: function(s) login still unknown to the server after 1 s');

    nock.cleanAll();
    const otherVersion = scriptFauna([
      { status: 200, body: stateBody(COMPLETE) },
      ALL_ACTIVE,
      { status: 400, body: callErrorBody('invalid argument', 'Object expected, Array provided.') },
    ]);
    expect(await setup([], otherVersion, ENV, fakeClock().clock)).toBe(1);
    expect(otherVersion.err.join('\n')).toMatch(/ERR_FUNCTION_NOT_ANSWERING: function login answered call error: invalid argument \(Object expected, Array provided\.\) instead of refusing a bad argument with "invalid login arguments: …"/);
  });

  it('gives up after --wait-seconds with a message naming the index and what to do', async () => {
    const recorded = scriptFauna([
      { status: 200, body: stateBody(COMPLETE, { [NOTES_INDEX]: indexState(false) }) },
      ...Array.from({ length: 4 }, () => ({ status: 200, body: activityBody([NOTES_INDEX]) })),
    ]);
    const { clock } = fakeClock();

    expect(await setup(['--wait-seconds', '5'], recorded, ENV, clock)).toBe(1);

    // Nothing to write: one read, then polls at 0, 2, 4 and 5 s.
    expect(recorded.bodies).toHaveLength(5);
    const error = recorded.err.join('\n');
    expect(error).toContain(`ERR_INDEX_BUILDING: index(es) ${NOTES_INDEX} still building after 5 s`);
    expect(error).toContain('Run `npm run setup:fauna` again later');
    printedNoAdminKey(recorded);
  });

  it('shows an index still building on --dry-run, and does not wait', async () => {
    const recorded = scriptFauna([{ status: 200, body: stateBody(COMPLETE, { [NOTES_INDEX]: indexState(false) }) }]);

    expect(await setup(['--dry-run'], recorded)).toBe(0);

    expect(recorded.bodies).toHaveLength(1);
    expect(recorded.out.some((line) => new RegExp(`unchanged\\s+index\\s+${NOTES_INDEX} \\(still building`).test(line))).toBe(true);
    expect(recorded.out.filter((line) => /unchanged\s+index\s+\w+$/.test(line))).toHaveLength(
      SCHEMA.filter((def) => def.kind === 'index').length - 1,
    );
  });

  it('refuses a --wait-seconds that is not a whole number, sending nothing', async () => {
    const recorded = scriptFauna([]);

    expect(await setup(['--wait-seconds', 'soon'], recorded)).toBe(2);

    expect(recorded.bodies).toHaveLength(0);
    expect(recorded.err[0]).toBe('ERR_USAGE: --wait-seconds must be a whole number of seconds, 0 or more');
  });
});
