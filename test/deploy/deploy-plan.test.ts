import type { Management } from 'auth0';
import { mergeBindings } from '../../scripts/deploy/bindings';
import { sha256, type CheckedBundle } from '../../scripts/deploy/bundles';
import { describePlan, planActions, type ActionChange, type BindingChange, type DeployPlan } from '../../scripts/deploy/plan';
import type { ActionSpec, BindingSpec, TriggerId } from '../../scripts/deploy/tenant-file';

/**
 * What the deploy shows before it writes (and all a dry run does): per Action, create or update
 * in place and what changes against the DEPLOYED version, an undeployed draft, the secret names
 * sent and those the tenant has that are not; per trigger, the bindings before and after. Never
 * a value.
 */
const LOGIN_CODE = '// auth0-fauna fauna-login v0.1.0 (abc1234), faunadb 4.8.2\nexports.onExecutePostLogin = async () => {};';
const postLogin = [{ id: 'post-login', version: 'v3' }] as const;

function spec(name: string, fields: Partial<ActionSpec> = {}): ActionSpec {
  return { name, code: `./dist/actions/${name}.js`, runtime: 'node22', deployed: true, dependencies: [], supported_triggers: postLogin, secrets: [], ...fields };
}

function bundles(...entries: [string, string][]): Map<string, CheckedBundle> {
  return new Map(entries.map(([action, code]) => [action, { action, file: `/repo/dist/actions/${action}.js`, code, bytes: code.length, sha256: sha256(code), header: code.split('\n')[0] ?? '' }]));
}

/** An Action as the Management API lists it: deployed (version 4) with this code, its draft the same. */
function inTenant(name: string, fields: Partial<Management.Action> = {}): Management.Action {
  const triggers = [{ id: 'post-login' as const, version: 'v3' }];
  return {
    id: `act_${name}`,
    name,
    code: fields.code ?? LOGIN_CODE,
    runtime: 'node22',
    supported_triggers: triggers,
    secrets: [],
    all_changes_deployed: true,
    deployed_version: { number: 4, code: fields.code ?? LOGIN_CODE, runtime: fields.runtime ?? 'node22', supported_triggers: fields.supported_triggers ?? triggers },
    ...fields,
  };
}

describe('planning each Action', () => {
  it('creates an Action the tenant does not have, with its triggers, runtime and the secret names it sends', () => {
    const actions = [
      spec('fauna-login'),
      spec('m2m-fauna', { deployed: false, supported_triggers: [{ id: 'credentials-exchange', version: 'v2' }, { id: 'post-login', version: 'v3' }] }),
    ];
    const plan = planActions(actions, bundles(['fauna-login', LOGIN_CODE]), [inTenant('audit-login')], { 'fauna-login': ['FAUNA_SECRET', 'FAUNA_ENDPOINT'] });
    expect(plan).toStrictEqual([
      { name: 'fauna-login', kind: 'create', trigger: 'post-login v3', runtime: 'node22', deploy: true, changes: [], undeployedDraft: false, secretsSent: ['FAUNA_SECRET', 'FAUNA_ENDPOINT'], secretsNotSent: [] },
      { name: 'm2m-fauna', kind: 'create', trigger: 'credentials-exchange v2, post-login v3', runtime: 'node22', deploy: false, changes: [], undeployedDraft: false, secretsSent: [], secretsNotSent: [] },
    ]);
  });

  it('updates an Action of the same name in place, by its id, naming the code, runtime and trigger changes against the deployed version', () => {
    const current = inTenant('fauna-login', {
      id: 'act_0007',
      code: '// old build',
      runtime: 'node18',
      supported_triggers: [{ id: 'post-login', version: 'v2' }],
      secrets: [{ name: 'FAUNA_SECRET' }, { name: 'OLD_SETTING' }, {}, { name: '' }, { name: 'LEGACY_KEY' }],
    });
    const plan = planActions([spec('fauna-login', { deployed: false })], bundles(['fauna-login', LOGIN_CODE]), [inTenant('audit-login'), current], {
      'fauna-login': ['FAUNA_SECRET', 'FAUNA_ENDPOINT'],
    });
    expect(plan).toStrictEqual([
      {
        name: 'fauna-login',
        kind: 'update',
        id: 'act_0007',
        trigger: 'post-login v3',
        runtime: 'node22',
        deploy: false,
        changes: ['code differs from deployed version 4', 'runtime node18 -> node22', 'trigger post-login v2 -> post-login v3'],
        undeployedDraft: false,
        secretsSent: ['FAUNA_SECRET', 'FAUNA_ENDPOINT'],
        // Only names the tenant really has; a secret without a name is not listed.
        secretsNotSent: ['OLD_SETTING', 'LEGACY_KEY'],
      },
    ]);
  });

  it('says the code is the deployed version\'s when the tenant already runs this bundle, and lists no other change', () => {
    const triggers = [{ id: 'credentials-exchange', version: 'v2' }, { id: 'post-login', version: 'v3' }] as const;
    const current = inTenant('fauna-login', { supported_triggers: triggers.map((t) => ({ ...t })), secrets: undefined });
    const [change] = planActions([spec('fauna-login', { supported_triggers: triggers })], bundles(['fauna-login', LOGIN_CODE]), [current], {});
    expect(change).toMatchObject({ kind: 'update', id: 'act_fauna-login', changes: ['code same as deployed version 4'], undeployedDraft: false, secretsSent: [], secretsNotSent: [] });
  });

  it('compares with the deployed version, not the draft: an edited draft over this bundle is flagged, not called a change', () => {
    const current = inTenant('fauna-login', { code: '// edited in the Dashboard', all_changes_deployed: false, deployed_version: { number: 4, code: LOGIN_CODE, runtime: 'node22', supported_triggers: [{ id: 'post-login', version: 'v3' }] } });
    const [change] = planActions([spec('fauna-login')], bundles(['fauna-login', LOGIN_CODE]), [current], {});
    expect(change).toMatchObject({ changes: ['code same as deployed version 4'], undeployedDraft: true });
  });

  it('says when nothing is deployed yet, and shows a runtime or triggers the tenant has not set as unset and none', () => {
    const current = inTenant('fauna-login', { runtime: undefined, supported_triggers: undefined, deployed_version: undefined });
    const [change] = planActions([spec('fauna-login')], bundles(['fauna-login', LOGIN_CODE]), [current], {});
    expect(change?.changes).toEqual(['nothing deployed yet', 'runtime unset -> node22', 'trigger none -> post-login v3']);
    expect(change?.undeployedDraft).toBe(true);
  });

  it('compares every supported trigger in order', () => {
    const current = inTenant('fauna-login', {
      supported_triggers: [{ id: 'post-login', version: 'v3' }, { id: 'credentials-exchange', version: 'v2' }],
    });
    const wanted = spec('fauna-login', { supported_triggers: [{ id: 'credentials-exchange', version: 'v2' }, { id: 'post-login', version: 'v3' }] });
    const [change] = planActions([wanted], bundles(['fauna-login', LOGIN_CODE]), [current], {});
    expect(change?.changes).toEqual(['code same as deployed version 4', 'trigger post-login v3, credentials-exchange v2 -> credentials-exchange v2, post-login v3']);
  });
});

describe('describing the plan', () => {
  const b = (name: string): BindingSpec => ({ action_name: name, display_name: name });
  const binding = (trigger: TriggerId, current: BindingSpec[], ours: BindingSpec[]): BindingChange => ({ trigger, before: current, ...mergeBindings(current, ours) });
  const create: ActionChange = {
    name: 'fauna-login',
    kind: 'create',
    trigger: 'post-login v3',
    runtime: 'node22',
    deploy: true,
    changes: [],
    undeployedDraft: false,
    secretsSent: ['FAUNA_SECRET', 'FAUNA_ENDPOINT'],
    secretsNotSent: [],
  };
  const update: ActionChange = {
    name: 'revoke-fauna-secrets',
    kind: 'update',
    id: 'act_0002',
    trigger: 'post-change-password v2',
    runtime: 'node22',
    deploy: false,
    changes: ['code differs from deployed version 3', 'runtime node18 -> node22'],
    undeployedDraft: true,
    secretsSent: [],
    secretsNotSent: ['OLD_SETTING', 'LEGACY_KEY'],
  };
  const plan: DeployPlan = {
    domain: 'deploy-test.eu.auth0.com',
    actions: [create, update],
    bindings: [
      binding('post-login', [b('audit-login'), b('fauna-login'), b('fauna-mfa'), b('geo-block')], [b('fauna-login'), b('fauna-mfa')]),
      binding('post-change-password', [], [b('revoke-fauna-secrets'), b('password-notify')]),
    ],
    skipped: ['fauna-mfa-setup'],
    untouched: ['audit-login', 'geo-block'],
  };

  it('lists each Action, its secret names, the skipped ones, the bindings before -> after with notes, and the Actions left alone', () => {
    expect(describePlan(plan)).toEqual([
      'Actions (in this order):',
      '  fauna-login: create (post-login v3, node22), then deploy a new version',
      '    secrets sent, values hidden: FAUNA_SECRET, FAUNA_ENDPOINT',
      '  revoke-fauna-secrets: update in place (id act_0002; code differs from deployed version 3; runtime node18 -> node22)',
      '    the tenant holds undeployed changes (a draft) to this Action: this deploy replaces them',
      '    secrets sent, values hidden: (none)',
      '    secrets in the tenant that this deploy does not send: OLD_SETTING, LEGACY_KEY',
      '  fauna-mfa-setup: skipped (actions/fauna-mfa-setup/index.ts is not in this checkout)',
      'Trigger bindings (before -> after), written in this order after both Actions are deployed:',
      '  post-login: audit-login, fauna-login, fauna-mfa, geo-block -> audit-login, fauna-login, fauna-mfa, geo-block',
      '    kept: audit-login, geo-block; already bound, left in place: fauna-login, fauna-mfa',
      '  post-change-password: (none) -> revoke-fauna-secrets, password-notify',
      '    added at the end: revoke-fauna-secrets, password-notify',
      'Other Actions, left as they are (never deleted): audit-login, geo-block',
    ]);
  });

  it('says when the tenant has no other Action, and notes every kind of binding change on one line', () => {
    const lines = describePlan({
      ...plan,
      actions: [],
      bindings: [binding('post-login', [b('audit-login'), b('fauna-login')], [b('fauna-login'), b('fauna-mfa')])],
      skipped: [],
      untouched: [],
    });
    expect(lines).toEqual([
      'Actions (in this order):',
      'Trigger bindings (before -> after), written in this order after both Actions are deployed:',
      '  post-login: audit-login, fauna-login -> audit-login, fauna-login, fauna-mfa',
      '    kept: audit-login; already bound, left in place: fauna-login; added at the end: fauna-mfa',
      'No other Actions in the tenant.',
    ]);
  });
});
