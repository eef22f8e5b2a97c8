import nock from 'nock';

/**
 * A stateful Auth0 Management API behind nock, answering with the response shapes the `auth0`
 * SDK and auth0-deploy-cli parse (Action objects with `deployed_version`, `{actions, total,
 * page, per_page}` pages, `{bindings: [...]}`, `{statusCode, error, message, errorCode}` errors).
 * Writes change the state, so a later read sees them, as on a real tenant. Each request is
 * checked against the scope Auth0's Management API reference documents for its endpoint (the
 * table below is this file's own, not the deploy's, so a wrong mapping in either shows), and
 * failures can be injected at any request.
 */
export const TEST_DOMAIN = 'deploy-test.eu.auth0.com';
export const ORIGIN = `https://${TEST_DOMAIN}`;
export const TEST_CLIENT_ID = 'deploy-test-client-id';
export const TEST_CLIENT_SECRET = 'm2m-CLIENT-secret-never-printed-7f3a';
/** revoke:user's own application. */
export const REVOKE_CLIENT_ID = 'revoke-user-client-id';
export const REVOKE_CLIENT_SECRET = 'm2m-REVOKE-secret-never-printed-c81d';

/** The scopes docs/deploy-and-operate.md tells admins to grant the deploy's application. */
export const DEPLOY_GRANT = ['read:actions', 'create:actions', 'update:actions'] as const;
/** The scopes it tells admins to grant revoke:user's application. */
export const REVOKE_GRANT = ['delete:sessions', 'delete:refresh_tokens', 'delete:grants'] as const;

export interface TriggerRef {
  id: string;
  version: string;
}

export interface FakeVersion {
  id: string;
  number: number;
  code: string;
  runtime: string;
  deployed: boolean;
  secrets: { name: string; updated_at: string }[];
  created_at: string;
  [key: string]: unknown;
}

export interface FakeAction {
  id: string;
  name: string;
  supported_triggers: TriggerRef[];
  code: string;
  runtime: string;
  dependencies: unknown[];
  secrets: { name: string; updated_at: string }[];
  status: 'pending' | 'building' | 'built' | 'failed';
  all_changes_deployed: boolean;
  created_at: string;
  updated_at: string;
  built_at?: string;
  deployed_version?: FakeVersion;
}

export interface SeedAction {
  name: string;
  supported_triggers: TriggerRef[];
  code?: string;
  runtime?: string;
  secrets?: string[];
  /** The seeded secrets' values, by name (default 'seeded'); the API never returns them. */
  secretValues?: Record<string, string>;
  /** Deployed (with a current version) unless false. */
  deployed?: boolean;
  status?: FakeAction['status'];
  /** After the deploy, these secrets were saved again in the Dashboard (their draft copy is newer). */
  secretsEditedAfterDeploy?: string[];
  /** After the deploy, the draft's code was edited and saved, not deployed. */
  draftCode?: string;
}

export interface SeedBinding {
  action_name: string;
  display_name?: string;
  /** Read back with an `action` that has an id but no name. */
  unnamed?: boolean;
  /** Read back with no `action` at all: neither id nor name (cannot be written back). */
  orphan?: boolean;
}

/** A request to fail: the first `times` (default 1) matching requests get `status` instead of an answer. */
export interface InjectedFailure {
  method: string;
  /** A regular expression source matched against the path. */
  path: string;
  status: number;
  times?: number;
  message?: string;
  /** Only requests whose JSON body contains this text (e.g. `"name":"fauna-login"`). */
  bodyIncludes?: string;
}

export interface TenantSeed {
  actions?: SeedAction[];
  /** Bindings per trigger, by Action name, in order. */
  bindings?: Record<string, SeedBinding[]>;
  /** What POST /actions/actions/{id}/test answers, per Action name (`*` for any). */
  testResults?: Record<string, { status: number; body: unknown }>;
  /** The applications the token endpoint knows, by client id; default the deploy's (DEPLOY_GRANT) and revoke:user's (REVOKE_GRANT). */
  clients?: Record<string, { secret: string; scopes: string[] }>;
  /** The tenant's plan: the user sessions and refresh-token endpoints answer only on `enterprise`. */
  plan?: 'enterprise' | 'other';
  /** How a plan without those endpoints answers them (default 403). */
  notOnPlanStatus?: 403 | 404;
  failures?: InjectedFailure[];
  /**
   * `bindingsAfterWrite`: after a PATCH of a trigger's bindings (answered 200 as usual), the
   * tenant holds this list instead, by Action name, as when another admin changed it meanwhile.
   */
  surprises?: { bindingsAfterWrite?: Record<string, string[]> };
}

/** What POST /actions/actions/{id}/test runs: the Action's DRAFT, as Auth0's test endpoint does. */
export interface TestRunRequest {
  readonly action: string;
  readonly code: string;
  /** The draft's secret values, by name. */
  readonly secrets: Readonly<Record<string, string>>;
  /** The event sent as `payload`. */
  readonly payload: unknown;
}

export interface FakeTenantHooks {
  /** Called for every request, after its answer. */
  readonly onRecord?: (request: RecordedRequest) => void;
  /** Answers the test endpoint by running the draft (over `testResults`); `{status, body}` as Auth0 answers. */
  readonly runTest?: (run: TestRunRequest) => Promise<{ status: number; body: unknown }>;
  /** Told when an Action's new version is deployed, with that version's secret values (what new executions get). */
  readonly onDeploy?: (action: string, version: FakeVersion, secrets: Readonly<Record<string, string>>) => void;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** The answer's status. */
  status?: number;
  /** A request no interceptor matched (another host, say). */
  unmatched?: boolean;
}

interface Binding {
  id: string;
  trigger_id: string;
  display_name: string;
  action_id: string;
  created_at: string;
  updated_at: string;
  unnamed?: boolean;
  orphan?: boolean;
}

type Reply = [number, unknown];

function error(status: number, message: string, errorCode: string): Reply {
  const names: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict' };
  return [status, { statusCode: status, error: names[status] ?? 'Error', message, errorCode }];
}

function parseBody(body: unknown): unknown {
  if (typeof body !== 'string' || body === '') return body;
  try {
    return JSON.parse(body);
  } catch {
    return Object.fromEntries(new URLSearchParams(body));
  }
}

/**
 * The scope Auth0's Management API reference lists for each endpoint: reads of Actions, versions
 * and bindings read:actions; create, deploy and test create:actions; update and bindings
 * update:actions; delete delete:actions; a user's sessions delete:sessions, refresh tokens
 * delete:refresh_tokens, grants delete:grants.
 */
export function documentedScope(method: string, path: string): string | undefined {
  if (path.startsWith('/api/v2/actions/')) {
    if (method === 'GET') return 'read:actions';
    if (method === 'POST' && /^\/api\/v2\/actions\/actions\/?$/.test(path)) return 'create:actions';
    if (method === 'POST' && /\/actions\/actions\/[^/]+\/(deploy|test)$/.test(path)) return 'create:actions';
    if (method === 'PATCH') return 'update:actions';
    if (method === 'DELETE') return 'delete:actions';
  }
  if (method === 'DELETE' && /^\/api\/v2\/users\/[^/]+\/sessions$/.test(path)) return 'delete:sessions';
  if (method === 'DELETE' && /^\/api\/v2\/users\/[^/]+\/refresh-tokens$/.test(path)) return 'delete:refresh_tokens';
  if (method === 'DELETE' && /^\/api\/v2\/grants\/?$/.test(path)) return 'delete:grants';
  return undefined;
}

export class FakeTenant {
  readonly actions: FakeAction[] = [];
  readonly bindings = new Map<string, Binding[]>();
  readonly requests: RecordedRequest[] = [];
  /** What revoke:user's endpoints ended, by kind, user id each. */
  readonly ended: { sessions: string[]; refreshTokens: string[]; grants: string[] } = { sessions: [], refreshTokens: [], grants: [] };
  private readonly seed: TenantSeed;
  private readonly clients: Record<string, { secret: string; scopes: string[] }>;
  private readonly failures: InjectedFailure[];
  private serial = 0;
  private clock = Date.UTC(2025, 5, 1, 12, 0, 0);
  private readonly onRecord: ((request: RecordedRequest) => void) | undefined;
  private readonly runTest: FakeTenantHooks['runTest'];
  private readonly onDeploy: FakeTenantHooks['onDeploy'];
  /** Secret values, never in an answer: each Action's draft (by Action id) and each version's (by version id). */
  private readonly draftValues = new Map<string, Record<string, string>>();
  private readonly versionValues = new Map<string, Record<string, string>>();
  private readonly noMatch = (req: { method?: string; path?: string; href?: string; options?: { href?: string } }) => {
    this.record({ method: req.method ?? 'GET', path: req.href ?? req.path ?? req.options?.href ?? '?', query: {}, body: undefined, unmatched: true });
  };

  constructor(seed: TenantSeed = {}, hooks: FakeTenantHooks | ((request: RecordedRequest) => void) = {}) {
    const given = typeof hooks === 'function' ? { onRecord: hooks } : hooks;
    this.onRecord = given.onRecord;
    this.runTest = given.runTest;
    this.onDeploy = given.onDeploy;
    this.seed = seed;
    this.clients = seed.clients ?? {
      [TEST_CLIENT_ID]: { secret: TEST_CLIENT_SECRET, scopes: [...DEPLOY_GRANT] },
      [REVOKE_CLIENT_ID]: { secret: REVOKE_CLIENT_SECRET, scopes: [...REVOKE_GRANT] },
    };
    this.failures = (seed.failures ?? []).map((f) => ({ ...f, times: f.times ?? 1 }));
    for (const s of seed.actions ?? []) {
      const action = this.newAction({
        name: s.name,
        supported_triggers: s.supported_triggers,
        code: s.code ?? 'exports.onExecutePostLogin = async () => {};',
        runtime: s.runtime ?? 'node22',
        dependencies: [],
        secrets: (s.secrets ?? []).map((name) => ({ name, value: s.secretValues?.[name] ?? 'seeded' })),
      });
      action.status = s.status ?? 'built';
      if (s.deployed !== false) this.deploy(action);
      if (s.secretsEditedAfterDeploy?.length) {
        const at = this.tick();
        for (const secret of action.secrets) if (s.secretsEditedAfterDeploy.includes(secret.name)) secret.updated_at = at;
        action.all_changes_deployed = false;
      }
      if (s.draftCode !== undefined) {
        action.code = s.draftCode;
        action.updated_at = this.tick();
        action.all_changes_deployed = false;
      }
    }
    for (const [trigger, list] of Object.entries(seed.bindings ?? {})) {
      this.bindings.set(
        trigger,
        list.map((b) => ({
          ...this.newBinding(trigger, this.byName(b.action_name)?.id ?? 'missing', b.display_name ?? b.action_name),
          ...(b.unnamed ? { unnamed: true } : {}),
          ...(b.orphan ? { orphan: true } : {}),
        })),
      );
    }
  }

  /** Routes every request for the test tenant's host to this fake. */
  install(): this {
    const scope = nock(ORIGIN).persist();
    const handler = (method: string) =>
      function (this: { req: { headers: Record<string, string | string[] | undefined> } }, uri: string, body: unknown) {
        return fake.handle(method, uri, parseBody(body), this.req.headers);
      };
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const fake = this;
    for (const method of ['get', 'post', 'patch', 'put', 'delete'] as const) {
      scope[method](/.*/).reply(handler(method.toUpperCase()));
    }
    nock.emitter.removeListener('no match', this.noMatch);
    nock.emitter.on('no match', this.noMatch);
    return this;
  }

  /** Removes every nock interceptor (one fake tenant at a time) and stops recording. */
  uninstall(): void {
    nock.emitter.removeListener('no match', this.noMatch);
    nock.cleanAll();
  }

  /**
   * The same tenant as a `fetch` for its origin (no nock): what a script given this as its global
   * fetch sends to the tenant's host is answered here; anything else goes to `other`.
   */
  fetchFor(other: typeof globalThis.fetch): typeof globalThis.fetch {
    return async (input, init) => {
      const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      if (url.origin !== ORIGIN) return other(input, init);
      const headers: Record<string, string> = {};
      new Headers(init?.headers).forEach((value, name) => {
        headers[name] = value;
      });
      const [status, body] = await this.handle((init?.method ?? 'GET').toUpperCase(), `${url.pathname}${url.search}`, parseBody(init?.body ?? ''), headers);
      const text = body === '' || body === undefined ? null : JSON.stringify(body);
      return new Response(status === 204 ? null : text, { status, headers: { 'content-type': 'application/json' } });
    };
  }

  /** Fails the next matching request(s) from now on, as `failures` in the seed does from the start. */
  inject(failure: InjectedFailure): void {
    this.failures.push({ ...failure, times: failure.times ?? 1 });
  }

  /** The secret values the Action's deployed version holds (what runs), by name; undefined when nothing is deployed. */
  deployedSecretValues(name: string): Readonly<Record<string, string>> | undefined {
    const version = this.byName(name)?.deployed_version;
    return version === undefined ? undefined : this.versionValues.get(version.id);
  }

  /** The secret values of the Action's draft (what the test endpoint runs), by name. */
  draftSecretValues(name: string): Readonly<Record<string, string>> | undefined {
    const action = this.byName(name);
    return action === undefined ? undefined : this.draftValues.get(action.id);
  }

  byName(name: string): FakeAction | undefined {
    return this.actions.find((a) => a.name === name);
  }

  boundNames(trigger: string): string[] {
    return (this.bindings.get(trigger) ?? []).map((b) => this.actions.find((a) => a.id === b.action_id)?.name ?? b.action_id);
  }

  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET' && r.path !== '/oauth/token');
  }

  private tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  private record(request: RecordedRequest): void {
    this.requests.push(request);
    this.onRecord?.(request);
  }

  private async handle(method: string, uri: string, body: unknown, headers: Record<string, string | string[] | undefined>): Promise<Reply> {
    const url = new URL(uri, ORIGIN);
    const path = decodeURIComponent(url.pathname);
    const request: RecordedRequest = { method, path, query: Object.fromEntries(url.searchParams), body };
    const reply = await this.answer(method, url, path, body, headers);
    request.status = reply[0];
    this.record(request);
    return reply;
  }

  private answer(method: string, url: URL, path: string, body: unknown, headers: Record<string, string | string[] | undefined>): Reply | Promise<Reply> {
    if (path === '/oauth/token' && method === 'POST') return this.token(body);
    if (!path.startsWith('/api/v2/')) return error(404, 'Not found', 'not_found');
    const auth = String(headers.authorization ?? headers.Authorization ?? '');
    const client = Object.keys(this.clients).find((id) => auth === `Bearer token-for-${id}`);
    if (client === undefined) return error(401, 'Invalid token', 'invalid_token');
    const scope = documentedScope(method, path);
    if (scope === undefined) return error(404, `No route for ${method} ${path} in the fake tenant`, 'not_found');
    if (!this.clients[client]?.scopes.includes(scope)) return error(403, `Insufficient scope, expected any of: ${scope}`, 'insufficient_scope');
    const failure = this.failures.find(
      (f) => f.method === method && new RegExp(f.path).test(path) && (f.times ?? 0) > 0 && (f.bodyIncludes === undefined || JSON.stringify(body ?? '').includes(f.bodyIncludes)),
    );
    if (failure) {
      failure.times = (failure.times ?? 1) - 1;
      return error(failure.status, failure.message ?? `Injected failure for ${method} ${path}`, 'injected');
    }
    return this.route(method, url, path, body);
  }

  private token(body: unknown): Reply {
    const b = (body ?? {}) as Record<string, unknown>;
    const client = typeof b.client_id === 'string' ? this.clients[b.client_id] : undefined;
    const ok = b.grant_type === 'client_credentials' && client !== undefined && b.client_secret === client.secret && b.audience === `${ORIGIN}/api/v2/`;
    if (!ok) return [401, { error: 'access_denied', error_description: 'Unauthorized' }];
    return [200, { access_token: `token-for-${String(b.client_id)}`, token_type: 'Bearer', expires_in: 86400, scope: client.scopes.join(' ') }];
  }

  private route(method: string, url: URL, path: string, body: unknown): Reply | Promise<Reply> {
    const trimmed = path.replace(/\/$/, '');
    const page = Number(url.searchParams.get('page') ?? 0);
    const perPage = Number(url.searchParams.get('per_page') ?? 50);
    const slice = <T>(items: T[]) => items.slice(page * perPage, page * perPage + perPage);
    let m: RegExpMatchArray | null;
    if ((m = trimmed.match(/^\/api\/v2\/users\/([^/]+)\/(sessions|refresh-tokens)$/))) {
      if (this.seed.plan !== 'enterprise') {
        const status = this.seed.notOnPlanStatus ?? 403;
        return error(status, status === 404 ? 'Not Found' : 'This feature is not available for your plan.', status === 404 ? 'not_found' : 'operation_not_supported');
      }
      (m[2] === 'sessions' ? this.ended.sessions : this.ended.refreshTokens).push(m[1] ?? '');
      return [202, ''];
    }
    if (method === 'DELETE' && trimmed === '/api/v2/grants') {
      const user = url.searchParams.get('user_id');
      if (!user) return error(400, 'Payload validation error: user_id is required', 'invalid_query_string');
      this.ended.grants.push(user);
      return [204, ''];
    }
    if (method === 'GET' && trimmed === '/api/v2/actions/modules') {
      return [200, { modules: [], total: 0, page, per_page: perPage }];
    }
    if (method === 'GET' && trimmed === '/api/v2/actions/actions') {
      this.actions.forEach((a) => this.finishBuild(a));
      return [200, { actions: slice(this.actions).map((a) => this.view(a)), total: this.actions.length, page, per_page: perPage }];
    }
    if (method === 'POST' && trimmed === '/api/v2/actions/actions') return this.create(body);
    if ((m = trimmed.match(/^\/api\/v2\/actions\/actions\/([^/]+)(\/deploy|\/test)?$/))) {
      const action = this.actions.find((a) => a.id === m?.[1]);
      if (!action) return error(404, 'That action does not exist.', 'inexistent_action');
      if (method === 'GET' && !m[2]) {
        this.finishBuild(action);
        return [200, this.view(action)];
      }
      if (method === 'PATCH' && !m[2]) return this.update(action, body);
      if (method === 'POST' && m[2] === '/deploy') return this.deployReply(action);
      if (method === 'POST' && m[2] === '/test') {
        if (this.runTest !== undefined) {
          const run = this.runTest({ action: action.name, code: action.code, secrets: { ...this.draftValues.get(action.id) }, payload: (body as { payload?: unknown } | undefined)?.payload });
          return run.then((result): Reply => [result.status, result.body]);
        }
        const result = this.seed.testResults?.[action.name] ?? this.seed.testResults?.['*'] ?? { status: 200, body: { payload: {} } };
        return [result.status, result.body];
      }
      if (method === 'DELETE' && !m[2]) {
        this.actions.splice(this.actions.indexOf(action), 1);
        return [204, ''];
      }
    }
    if (method === 'GET' && trimmed === '/api/v2/actions/triggers') {
      const triggers = ['post-login', 'post-change-password', 'credentials-exchange', 'pre-user-registration'];
      return [200, { triggers: triggers.map((id) => ({ id, version: id === 'post-login' ? 'v3' : 'v2', status: 'CURRENT', runtimes: ['node18', 'node22'], default_runtime: 'node22', compatible_triggers: [] })) }];
    }
    if ((m = trimmed.match(/^\/api\/v2\/actions\/triggers\/([^/]+)\/bindings$/))) {
      const trigger = m[1] ?? '';
      const list = this.bindings.get(trigger) ?? [];
      if (method === 'GET') return [200, { bindings: slice(list).map((b) => this.bindingView(b)), total: list.length, page, per_page: perPage }];
      if (method === 'PATCH') return this.rebind(trigger, body);
    }
    return error(404, `No route for ${method} ${trimmed} in the fake tenant`, 'not_found');
  }

  private newAction(fields: {
    name: string;
    supported_triggers: TriggerRef[];
    code: string;
    runtime: string;
    dependencies: unknown[];
    secrets: { name: string; value: string }[];
  }): FakeAction {
    const at = this.tick();
    const action: FakeAction = {
      id: `act_${String(++this.serial).padStart(4, '0')}`,
      name: fields.name,
      supported_triggers: fields.supported_triggers,
      code: fields.code,
      runtime: fields.runtime,
      dependencies: fields.dependencies,
      secrets: fields.secrets.map((s) => ({ name: s.name, updated_at: at })),
      status: 'pending',
      all_changes_deployed: false,
      created_at: at,
      updated_at: at,
    };
    this.actions.push(action);
    this.draftValues.set(action.id, Object.fromEntries(fields.secrets.map((s) => [s.name, String(s.value)])));
    return action;
  }

  private newBinding(trigger: string, actionId: string, displayName: string): Binding {
    const at = this.tick();
    return { id: `bnd_${++this.serial}`, trigger_id: trigger, display_name: displayName, action_id: actionId, created_at: at, updated_at: at };
  }

  // Auth0 builds a new draft asynchronously; here it is done by the next read.
  private finishBuild(action: FakeAction): void {
    if (action.status === 'pending') {
      action.status = 'built';
      action.built_at = this.tick();
    }
  }

  private view(action: FakeAction): Record<string, unknown> {
    return {
      ...action,
      supported_triggers: action.supported_triggers.map((t) => ({ ...t })),
      secrets: action.secrets.map((s) => ({ ...s })),
      ...(action.deployed_version ? { deployed_version: { ...action.deployed_version, secrets: action.deployed_version.secrets.map((s) => ({ ...s })) } } : {}),
    };
  }

  private bindingView(binding: Binding): Record<string, unknown> {
    const action = this.actions.find((a) => a.id === binding.action_id);
    const view = action && !binding.orphan ? this.view(action) : undefined;
    if (view && binding.unnamed) delete view.name;
    return {
      id: binding.id,
      trigger_id: binding.trigger_id,
      display_name: binding.display_name,
      ...(view ? { action: view } : {}),
      created_at: binding.created_at,
      updated_at: binding.updated_at,
    };
  }

  private create(body: unknown): Reply {
    const b = (body ?? {}) as Record<string, unknown>;
    if (typeof b.name !== 'string' || typeof b.code !== 'string' || !Array.isArray(b.supported_triggers)) {
      return error(400, 'Payload validation error: name, code and supported_triggers are required', 'invalid_body');
    }
    if (this.byName(b.name)) return error(409, 'An action with that name already exists.', 'action_conflict');
    const action = this.newAction({
      name: b.name,
      code: b.code,
      runtime: typeof b.runtime === 'string' ? b.runtime : 'node22',
      dependencies: Array.isArray(b.dependencies) ? b.dependencies : [],
      supported_triggers: b.supported_triggers as TriggerRef[],
      secrets: Array.isArray(b.secrets) ? (b.secrets as { name: string; value: string }[]) : [],
    });
    return [201, this.view(action)];
  }

  private update(action: FakeAction, body: unknown): Reply {
    const b = (body ?? {}) as Record<string, unknown>;
    const at = this.tick();
    if (typeof b.code === 'string') action.code = b.code;
    if (typeof b.runtime === 'string') action.runtime = b.runtime;
    if (Array.isArray(b.dependencies)) action.dependencies = b.dependencies;
    if (Array.isArray(b.supported_triggers)) action.supported_triggers = b.supported_triggers as TriggerRef[];
    if (Array.isArray(b.secrets)) {
      action.secrets = (b.secrets as { name: string }[]).map((s) => ({ name: s.name, updated_at: at }));
      this.draftValues.set(action.id, Object.fromEntries((b.secrets as { name: string; value?: unknown }[]).map((s) => [s.name, String(s.value)])));
    }
    action.status = 'pending';
    action.all_changes_deployed = false;
    action.updated_at = at;
    return [200, this.view(action)];
  }

  private deploy(action: FakeAction): FakeVersion {
    const number = (action.deployed_version?.number ?? 0) + 1;
    const at = this.tick();
    const version: FakeVersion = {
      id: `ver_${++this.serial}`,
      action_id: action.id,
      code: action.code,
      dependencies: action.dependencies,
      deployed: true,
      runtime: action.runtime,
      secrets: action.secrets.map((s) => ({ ...s })),
      status: 'built',
      number,
      errors: [],
      built_at: at,
      created_at: at,
      updated_at: at,
      supported_triggers: action.supported_triggers,
      action: { id: action.id, name: action.name, supported_triggers: action.supported_triggers, all_changes_deployed: true, created_at: action.created_at, updated_at: at },
    };
    action.deployed_version = version;
    const values = { ...this.draftValues.get(action.id) };
    this.versionValues.set(version.id, values);
    action.all_changes_deployed = true;
    this.onDeploy?.(action.name, version, values);
    return version;
  }

  private deployReply(action: FakeAction): Reply {
    this.finishBuild(action);
    if (action.status !== 'built') {
      return error(400, "An action must be in the 'built' state before it can be deployed", 'action_not_built');
    }
    return [200, this.deploy(action)];
  }

  private rebind(trigger: string, body: unknown): Reply {
    const refs = ((body ?? {}) as { bindings?: { ref?: { type?: string; value?: string }; display_name?: string }[] }).bindings;
    if (!Array.isArray(refs)) return error(400, 'Payload validation error: bindings is required', 'invalid_body');
    const next: Binding[] = [];
    for (const r of refs) {
      const action = this.actions.find((a) => (r.ref?.type === 'action_id' ? a.id : a.name) === r.ref?.value);
      if (!action) return error(404, `Action ${r.ref?.value} does not exist.`, 'inexistent_action');
      if (!action.deployed_version) return error(400, `Action ${action.name} must be deployed before it can be bound.`, 'action_not_deployed');
      if (!action.supported_triggers.some((t) => t.id === trigger)) {
        return error(400, `Action ${action.name} does not support trigger ${trigger}.`, 'invalid_trigger');
      }
      next.push(this.newBinding(trigger, action.id, r.display_name ?? action.name));
    }
    this.bindings.set(trigger, next);
    const reply: Reply = [200, { bindings: next.map((b) => this.bindingView(b)) }];
    const instead = this.seed.surprises?.bindingsAfterWrite?.[trigger];
    if (instead) {
      this.bindings.set(
        trigger,
        instead.map((name) => this.newBinding(trigger, this.byName(name)?.id ?? 'missing', name)),
      );
    }
    return reply;
  }
}
