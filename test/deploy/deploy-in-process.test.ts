import { mergeBindings, readBackDifference } from '../../scripts/deploy/bindings';
import { bundleHeaderPattern } from '../../scripts/deploy/bundles';
import { REPO_ROOT, readTenantFile, selectDeployable } from '../../scripts/deploy/tenant-file';
import { createManagementClient, listActions, listBindings, toBindingSpecs } from '../../scripts/deploy/tenant-state';
import { withCheckout } from './support/checkout';
import { FakeTenant, type TenantSeed } from './support/fake-tenant';
import { CREDENTIALS } from './support/deploy-env';

/**
 * The deploy's reads, in process against the fake tenant through the real `auth0` SDK: what it
 * reads, how it names bindings for the plan, and how it compares a read-back with its plan.
 */
const postLogin = [{ id: 'post-login', version: 'v3' }];
const spec = (name: string, display = name) => ({ action_name: name, display_name: display });

async function withTenant<T>(seed: TenantSeed, work: (client: ReturnType<typeof createManagementClient>, tenant: FakeTenant) => Promise<T>): Promise<T> {
  const tenant = new FakeTenant(seed).install();
  try {
    return await work(createManagementClient(CREDENTIALS.AUTH0_DOMAIN, `token-for-${CREDENTIALS.AUTH0_CLIENT_ID}`), tenant);
  } finally {
    tenant.uninstall();
  }
}

describe('reading the tenant', () => {
  const seed: TenantSeed = {
    actions: [
      { name: 'audit-login', supported_triggers: postLogin },
      { name: 'geo-block', supported_triggers: postLogin },
      { name: 'fauna-login', supported_triggers: postLogin },
    ],
    bindings: { 'post-login': [{ action_name: 'audit-login', display_name: 'Audit' }, { action_name: 'geo-block', unnamed: true }, { action_name: 'fauna-login' }] },
  };

  it('keeps every named binding in order, with its display name, and reports the one without a name', async () => {
    await withTenant(seed, async (client, tenant) => {
      const bindings = await listBindings(client, 'post-login');
      expect(bindings).toHaveLength(3);
      const { specs, problems } = toBindingSpecs('post-login', bindings);
      expect(specs).toEqual([spec('audit-login', 'Audit'), spec('fauna-login')]);
      const unnamedId = tenant.bindings.get('post-login')?.[1]?.id;
      expect(problems).toEqual([`post-login binding #2 (${unnamedId}) has no Action name, so it could not be kept`]);
      expect(tenant.writes()).toEqual([]);
    });
  });

  it('pages through every Action and every binding', async () => {
    const many = Array.from({ length: 130 }, (_, i) => ({ name: `action-${String(i).padStart(3, '0')}`, supported_triggers: postLogin }));
    const bound = many.slice(0, 60).map((a) => ({ action_name: a.name }));
    await withTenant({ actions: many, bindings: { 'post-login': bound } }, async (client, tenant) => {
      expect((await listActions(client)).map((a) => a.name)).toEqual(many.map((a) => a.name));
      // Actions are read 100 a page: two reads for 130, not three.
      const actionPages = tenant.requests.filter((r) => r.path === '/api/v2/actions/actions').map((r) => [r.query.page, r.query.per_page]);
      expect(actionPages).toEqual([['0', '100'], ['1', '100']]);
      const specs = toBindingSpecs('post-login', await listBindings(client, 'post-login')).specs.map((b) => b.action_name);
      expect(specs).toEqual(bound.map((b) => b.action_name));
      const pages = tenant.requests.filter((r) => r.path === '/api/v2/actions/triggers/post-login/bindings').map((r) => r.query.page);
      expect(pages).toEqual(['0', '1']);
    });
  });

  it('names a binding with neither an Action name nor an id', () => {
    expect(toBindingSpecs('post-login', [{ display_name: 'x' }, { id: 'b1', action: { name: '' } }] as never).problems).toEqual([
      'post-login binding #1 (no id) has no Action name, so it could not be kept',
      'post-login binding #2 (b1) has no Action name, so it could not be kept',
    ]);
  });

  it('uses the Action name when a binding has no display name', () => {
    expect(toBindingSpecs('post-login', [{ id: 'b1', display_name: '', action: { name: 'geo-block' } }] as never).specs).toEqual([spec('geo-block')]);
  });
});

describe('merging our bindings into the tenant list', () => {
  it('keeps the tenant order, leaves ours where they are, appends the missing ones', () => {
    const merged = mergeBindings([spec('audit-login', 'Audit'), spec('fauna-login', 'Fauna'), spec('geo-block')], [spec('fauna-login'), spec('revoke')]);
    expect(merged).toEqual({
      merged: [spec('audit-login', 'Audit'), spec('fauna-login', 'Fauna'), spec('geo-block'), spec('revoke')],
      kept: ['audit-login', 'geo-block'],
      alreadyBound: ['fauna-login'],
      added: ['revoke'],
    });
  });
});

describe('comparing the read-back with the plan', () => {
  const planned = [spec('audit-login'), spec('fauna-login')];
  const read = (...names: string[]) => ({ specs: names.map((n) => spec(n)), problems: [] as string[] });

  it('agrees only on the same Actions in the same order', () => {
    expect(readBackDifference('post-login', planned, read('audit-login', 'fauna-login'))).toBeUndefined();
    expect(readBackDifference('post-login', [], read())).toBeUndefined();
  });

  it.each([
    ['one lost', read('fauna-login'), 'post-login: expected audit-login, fauna-login, read back fauna-login'],
    ['all lost', read(), 'post-login: expected audit-login, fauna-login, read back (none)'],
    ['reordered', read('fauna-login', 'audit-login'), 'post-login: expected audit-login, fauna-login, read back fauna-login, audit-login'],
    ['one more', read('audit-login', 'fauna-login', 'geo-block'), 'post-login: expected audit-login, fauna-login, read back audit-login, fauna-login, geo-block'],
    ['one swapped', read('audit-login', 'geo-block'), 'post-login: expected audit-login, fauna-login, read back audit-login, geo-block'],
  ])('reports %s', (_name, readBack, difference) => {
    expect(readBackDifference('post-login', planned, readBack)).toBe(difference);
  });

  it('reports a binding read back without a name even when the named ones agree', () => {
    expect(readBackDifference('post-login', planned, { specs: planned, problems: ['post-login binding #3 (b9) has no Action name'] })).toBe(
      'post-login: expected audit-login, fauna-login, read back audit-login, fauna-login and 1 binding(s) without an Action name',
    );
  });

  it('reports an empty plan read back with bindings', () => {
    expect(readBackDifference('post-change-password', [], read('password-notify'))).toBe(
      'post-change-password: expected (none), read back password-notify',
    );
  });
});

describe('the bundle header the deploy requires', () => {
  it.each([
    ['a clean build', '// auth0-fauna fauna-login v0.1.0 (4db18cc), faunadb 4.8.2', true],
    ['a build from a dirty tree', '// auth0-fauna fauna-login v0.1.0 (4db18cc-dirty), faunadb 4.8.2', true],
    ['a build outside git', '// auth0-fauna fauna-login v0.1.0 (unknown), faunadb 4.8.2', true],
    ['a prerelease version', '// auth0-fauna fauna-login v0.2.0-rc.1 (4db18cc0), faunadb 4.8.2', true],
    ['another Action', '// auth0-fauna revoke-fauna-secrets v0.1.0 (4db18cc), faunadb 4.8.2', false],
    ['a name that only starts the same', '// auth0-fauna fauna-login-old v0.1.0 (4db18cc), faunadb 4.8.2', false],
    ['no commit', '// auth0-fauna fauna-login v0.1.0 (), faunadb 4.8.2', false],
    ['a stamp that is not a commit', '// auth0-fauna fauna-login v0.1.0 (main), faunadb 4.8.2', false],
    ['no driver version', '// auth0-fauna fauna-login v0.1.0 (4db18cc), faunadb', false],
    ['code first', '"use strict";', false],
  ])('%s: %s', (_name, header, accepted) => {
    expect(bundleHeaderPattern('fauna-login').test(header)).toBe(accepted);
  });
});

describe('an Action whose source is not in the checkout', () => {
  it('is skipped with its bindings, and named', () => {
    withCheckout({ 'actions/fauna-login/index.ts': '' }, (root) => {
      const { actions, triggers, skipped } = selectDeployable(readTenantFile(), root);
      expect(actions.map((a) => a.name)).toEqual(['fauna-login']);
      expect(triggers).toEqual({ 'post-login': [spec('fauna-login')] });
      expect(skipped).toEqual(['revoke-fauna-secrets']);
    });
  });

  it('is never the case in this repository: both Actions deploy', () => {
    expect(selectDeployable(readTenantFile(), REPO_ROOT).skipped).toEqual([]);
  });
});
