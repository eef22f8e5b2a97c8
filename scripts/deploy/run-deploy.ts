import { execFileSync } from 'node:child_process';
import type { Management, ManagementClient } from 'auth0';
import type { FetchLike } from '../../actions/lib/fauna-client';
import type { SettingName } from '../../actions/lib/settings';
import { mergeBindings, bindAction, unwritableBindings } from './bindings';
import { checkBundles, checkoutHead, type CheckedBundle } from './bundles';
import { deployOneAction } from './deploy-action';
import { DeployRefusedError, failureText, type DeployErrorCode } from './deploy-refused';
import {
  DEPLOY_CREDENTIAL,
  childEnvironment,
  isSettingName,
  maskSecrets,
  readAuth0Credentials,
  readDeploySettings,
  type Auth0Credentials,
  type DeploySettings,
  type EnvBag,
} from './environment';
import { LOGIN_PREFLIGHT, REVOKE_PREFLIGHT, runPreflight, type PreflightCheck } from './fauna-preflight';
import { buildImportFile } from './import-file';
import { deployWithDeployCli, type ActionDeployer } from './import';
import { USAGE, parseDeployOptions, type DeployOptions } from './options';
import { describePlan, planActions, type BindingChange } from './plan';
import { describeTenantState, nextSteps, readTenantState, type ReportOptions, type Watched } from './read-back';
import { DEPLOY_SCOPES, compareScopes } from './scopes';
import { checkSecrets } from './secrets-check';
import {
  LOGIN_ACTION,
  LOGIN_TRIGGER,
  REPO_ROOT,
  REVOKE_ACTION,
  keywordsIn,
  readTenantFile,
  selectDeployable,
  type ActionSpec,
  type BindingSpec,
  type TriggerBindings,
  type TriggerId,
} from './tenant-file';
import { connectManagementApi, listActions, listBindings, toBindingSpecs } from './tenant-state';
import { runMaskedCommand } from '../masked-command';

/** What deploy:tenant is given; tests replace the build, git, the importer and Fauna's fetch. */
export interface DeployDependencies {
  readonly env: EnvBag;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** The checkout: actions/, dist/ and tenant.yaml's code: paths (default the repository root). */
  readonly root?: string;
  readonly build?: () => void;
  /** `git rev-parse HEAD` of the checkout, undefined outside git. */
  readonly gitHead?: () => string | undefined;
  readonly deployAction?: ActionDeployer;
  readonly faunaFetch?: FetchLike;
}

interface Context {
  readonly options: DeployOptions;
  readonly deps: DeployDependencies;
  readonly root: string;
  readonly say: (line: string) => void;
  readonly secrets: readonly string[];
}

function defaultBuild(root: string): () => void {
  return () => {
    try {
      // The build gets an environment without any key, credential or debug switch.
      execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit', env: childEnvironment(process.env) });
    } catch {
      throw new DeployRefusedError('ERR_DEPLOY_BUILD', 'Refusing to deploy: the build failed', [
        'npm run build exited with an error (see above); fix it and run again',
      ]);
    }
  };
}

/** Which Actions to deploy, and the revocation rule: revoke-fauna-secrets goes wherever fauna-login goes. */
function chooseActions(ctx: Context): { actions: ActionSpec[]; triggers: TriggerBindings; skipped: readonly string[] } {
  const file = readTenantFile(ctx.options.tenantFile);
  const { actions, triggers, skipped } = selectDeployable(file, ctx.root);
  for (const name of skipped) ctx.say(`Skipping Action ${name}: actions/${name}/index.ts is not in this checkout.`);
  const hasLogin = actions.some((a) => a.name === LOGIN_ACTION);
  const hasRevoke = actions.some((a) => a.name === REVOKE_ACTION);
  if (ctx.options.withoutRevocation) {
    ctx.say(`WARNING --without-revocation: ${REVOKE_ACTION} is neither deployed nor bound; a password change will revoke no Fauna secret.`);
    const withoutRevoke: Partial<Record<TriggerId, readonly BindingSpec[]>> = {};
    for (const [trigger, list] of Object.entries(triggers) as [TriggerId, readonly BindingSpec[]][]) {
      const kept = list.filter((b) => b.action_name !== REVOKE_ACTION);
      if (kept.length > 0) withoutRevoke[trigger] = kept;
    }
    return { actions: actions.filter((a) => a.name !== REVOKE_ACTION), triggers: withoutRevoke, skipped };
  }
  if (hasLogin && !hasRevoke) {
    const why = file.actions.some((a) => a.name === REVOKE_ACTION)
      ? `actions/${REVOKE_ACTION}/index.ts is not in this checkout`
      : `the tenant file declares no ${REVOKE_ACTION}`;
    throw new DeployRefusedError('ERR_DEPLOY_REVOCATION', `Refusing to deploy ${LOGIN_ACTION} without ${REVOKE_ACTION}`, [
      `${why}: logins would mint Fauna secrets that no password change revokes. Restore it, or pass --without-revocation to deploy ${LOGIN_ACTION} alone`,
    ]);
  }
  // Revocation first: its import, then its binding, come before the login Action's.
  const order = (a: ActionSpec) => (a.name === REVOKE_ACTION ? 0 : a.name === LOGIN_ACTION ? 1 : 2);
  return { actions: [...actions].sort((a, b) => order(a) - order(b)), triggers, skipped };
}

function readSettingsOrRefuse(ctx: Context, actions: readonly ActionSpec[]): { credentials: Auth0Credentials; settings: DeploySettings; names: SettingName[] } {
  const names = [...new Set(actions.flatMap((a) => a.secrets.flatMap((s) => keywordsIn(s.value))).filter(isSettingName))] as SettingName[];
  const credentials = readAuth0Credentials(ctx.deps.env);
  const settings = readDeploySettings(ctx.deps.env, names);
  if (!credentials.credentials || !settings.settings) {
    throw new DeployRefusedError('ERR_DEPLOY_SETTINGS', 'Refusing to deploy: fix these variables (in the environment or .env); nothing was sent', [
      ...credentials.problems,
      ...settings.problems,
    ]);
  }
  const values = settings.settings;
  if (values.omitted.length > 0) {
    ctx.say(`Not set, so not sent (each Action applies its documented default): ${values.omitted.join(', ')}`);
  }
  const loginKey = values.values.get('FAUNA_SECRET');
  if (loginKey !== undefined && loginKey === values.values.get('FAUNA_REVOKE_SECRET')) {
    ctx.say(
      "Note: FAUNA_SECRET and FAUNA_REVOKE_SECRET are the same key, so both Actions share it (the weaker choice: see \"The Actions' keys\" in docs/security-model.md).",
    );
  }
  return { credentials: credentials.credentials, settings: values, names };
}

function checkBuiltBundles(ctx: Context, actions: readonly ActionSpec[], names: readonly string[], refuse: (e: DeployRefusedError) => void): Map<string, CheckedBundle> {
  if (!ctx.options.skipBuild) {
    ctx.say('Building the Actions (npm run build, without any key in its environment)...');
    (ctx.deps.build ?? defaultBuild(ctx.root))();
  }
  const { bundles, problems, provenance } = checkBundles(ctx.root, actions, names, (ctx.deps.gitHead ?? (() => checkoutHead(ctx.root)))());
  if (problems.length > 0) throw new DeployRefusedError('ERR_DEPLOY_BUNDLE', 'Refusing to deploy; nothing was sent to Auth0', problems);
  for (const bundle of bundles.values()) ctx.say(`${bundle.action}: ${bundle.bytes} bytes, sha256 ${bundle.sha256}, "${bundle.header}"`);
  if (provenance.length > 0) {
    if (ctx.options.allowDirty) for (const p of provenance) ctx.say(`Deploying anyway (--allow-dirty): ${p}`);
    else refuse(new DeployRefusedError('ERR_DEPLOY_PROVENANCE', 'Refusing to deploy a build that is not this commit', provenance));
  }
  return bundles;
}

async function preflightFauna(ctx: Context, actions: readonly ActionSpec[], settings: DeploySettings, refuse: (e: DeployRefusedError) => void): Promise<void> {
  const endpoint = settings.values.get('FAUNA_ENDPOINT');
  const keyFor: Record<string, [PreflightCheck, string | undefined]> = {
    [LOGIN_ACTION]: [LOGIN_PREFLIGHT, settings.values.get('FAUNA_SECRET')],
    [REVOKE_ACTION]: [REVOKE_PREFLIGHT, settings.values.get('FAUNA_REVOKE_SECRET')],
  };
  if (endpoint === undefined) return;
  const problems: string[] = [];
  for (const action of actions) {
    const entry = keyFor[action.name];
    if (entry === undefined || entry[1] === undefined) continue;
    const [check, secret] = entry;
    const result = await runPreflight(check, { endpoint, secret, fetch: ctx.deps.faunaFetch });
    if (result.ok) ctx.say(`Fauna preflight at ${endpoint}: ${result.detail}`);
    else problems.push(`${check.action}: ${result.problem}`);
  }
  if (problems.length > 0) {
    refuse(new DeployRefusedError('ERR_DEPLOY_FAUNA', 'Refusing to deploy: the Fauna schema this code needs is not in place; nothing was sent to Auth0', problems));
  }
}

/** The kill switch, and what each trigger's list becomes. */
function planBindings(
  ctx: Context,
  triggers: TriggerBindings,
  current: ReadonlyMap<TriggerId, readonly Management.ActionBinding[]>,
  existing: readonly Management.Action[],
  refuse: (e: DeployRefusedError) => void,
): { changes: BindingChange[]; leftUnbound: string[]; bindLogin: boolean } {
  const loginInTenant = existing.some((a) => a.name === LOGIN_ACTION);
  const loginBound = (current.get(LOGIN_TRIGGER) ?? []).some((b) => b.action?.name === LOGIN_ACTION);
  const deployingLogin = Object.values(triggers).some((list) => list?.some((b) => b.action_name === LOGIN_ACTION));
  let bindLogin = deployingLogin;
  if (deployingLogin && loginInTenant && !loginBound) {
    if (ctx.options.keepUnbound) {
      ctx.say(`${LOGIN_ACTION} exists unbound and stays unbound (--keep-unbound).`);
      bindLogin = false;
    } else if (ctx.options.bind) {
      ctx.say(`${LOGIN_ACTION} exists unbound and will be bound again (--bind), after revocation is bound.`);
    } else {
      refuse(
        new DeployRefusedError('ERR_DEPLOY_KILL_SWITCH', `Refusing to deploy: ${LOGIN_ACTION} is in the tenant but not bound to ${LOGIN_TRIGGER}`, [
          `an admin may have unbound it on purpose (the kill switch), or a first deploy stopped before binding it. Pass --bind to bind it again, or --keep-unbound to deploy it and leave it off`,
        ]),
      );
      bindLogin = false;
    }
  } else if (deployingLogin && ctx.options.keepUnbound) {
    if (loginBound) {
      refuse(
        new DeployRefusedError('ERR_DEPLOY_KILL_SWITCH', `Refusing --keep-unbound: ${LOGIN_ACTION} is bound to ${LOGIN_TRIGGER}`, [
          `the deploy never unbinds; to pull ${LOGIN_ACTION}, remove its binding in the Dashboard (Actions > Triggers > ${LOGIN_TRIGGER}), then deploy with --keep-unbound`,
        ]),
      );
    }
    bindLogin = false;
  } else if (ctx.options.bind && loginBound) {
    ctx.say(`--bind: ${LOGIN_ACTION} is already bound; it stays where it is.`);
  }
  const changes: BindingChange[] = [];
  const unwritable: string[] = [];
  for (const [trigger, ours] of Object.entries(triggers) as [TriggerId, readonly BindingSpec[]][]) {
    const bindings = current.get(trigger) ?? [];
    unwritable.push(...unwritableBindings(trigger, bindings));
    const wanted = ours.filter((b) => bindLogin || b.action_name !== LOGIN_ACTION);
    changes.push({ trigger, before: toBindingSpecs(trigger, bindings).specs, ...mergeBindings(toBindingSpecs(trigger, bindings).specs, wanted) });
  }
  if (unwritable.length > 0) {
    refuse(new DeployRefusedError('ERR_DEPLOY_BINDINGS', 'Refusing to deploy: writing the bindings would unbind Actions', unwritable));
  }
  // Revocation's trigger first: at no moment may fauna-login be bound while revocation is not.
  const rank = (change: BindingChange) => (change.merged.some((b) => b.action_name === REVOKE_ACTION) ? 0 : change.merged.some((b) => b.action_name === LOGIN_ACTION) ? 2 : 1);
  changes.sort((a, b) => rank(a) - rank(b));
  return { changes, leftUnbound: deployingLogin && !bindLogin ? [LOGIN_ACTION] : [], bindLogin };
}

function reportOptions(options: DeployOptions): ReportOptions {
  return { keepUnbound: options.keepUnbound, withoutRevocation: options.withoutRevocation, rerunArgs: options.rerunArgs };
}

/** After a failed write: read the tenant back and say what it holds, what that means, what to run. */
async function reportFailure(ctx: Context, client: ManagementClient, watched: readonly Watched[], step: string, err: unknown): Promise<never> {
  ctx.say(`The deploy stopped while ${step}.`);
  try {
    const state = await readTenantState(client, watched);
    for (const line of [...describeTenantState(state, reportOptions(ctx.options)), ...nextSteps(state, reportOptions(ctx.options))]) ctx.say(line);
  } catch (readErr) {
    ctx.say(`Could not read the tenant back (${failureText(readErr)}): check Actions > Library and Actions > Triggers in the Dashboard.`);
  }
  const code: DeployErrorCode = err instanceof DeployRefusedError ? err.code : 'ERR_DEPLOY_WRITE';
  const problems = err instanceof DeployRefusedError ? err.problems : [failureText(err)];
  throw new DeployRefusedError(code, `The deploy stopped while ${step}`, problems);
}

async function deployTenant(ctx: Context): Promise<number> {
  const { options } = ctx;
  const refusals: DeployRefusedError[] = [];
  // A dry run goes on to show everything it can; the real deploy stops at the first refusal.
  const refuse = (e: DeployRefusedError) => {
    if (!options.dryRun) throw e;
    refusals.push(e);
  };

  const { actions, triggers, skipped } = chooseActions(ctx);
  const { credentials, settings, names } = readSettingsOrRefuse(ctx, actions);
  const bundles = checkBuiltBundles(ctx, actions, names, refuse);
  const precheck = buildImportFile(actions, triggers, settings);
  if (!precheck.file) throw new DeployRefusedError('ERR_DEPLOY_TENANT_FILE', 'Refusing to deploy; nothing was sent to Auth0', precheck.problems);
  await preflightFauna(ctx, actions, settings, refuse);

  ctx.say(`Reading Actions and trigger bindings from ${credentials.domain}...`);
  const { client, scopes } = await connectManagementApi(credentials, DEPLOY_CREDENTIAL);
  const scopeReport = compareScopes(scopes, DEPLOY_SCOPES, options.dryRun ? 'The real deploy' : 'This deploy');
  for (const line of scopeReport.lines) ctx.say(line);
  if (scopeReport.missing.length > 0) {
    const missing = new DeployRefusedError(
      'ERR_DEPLOY_SCOPES',
      `Refusing to deploy: the Management API application (${DEPLOY_CREDENTIAL.clientId}) lacks scopes`,
      scopeReport.missing.map((use) => `${use.scope}: ${use.usedFor}; grant it in Applications > APIs > Auth0 Management API > Machine to Machine Applications`),
    );
    if (scopeReport.missing.some((use) => use.scope === 'read:actions')) throw missing;
    refuse(missing);
  }

  const existing = await listActions(client);
  const current = new Map<TriggerId, readonly Management.ActionBinding[]>();
  for (const trigger of Object.keys(triggers) as TriggerId[]) current.set(trigger, await listBindings(client, trigger));
  const bindings = planBindings(ctx, triggers, current, existing, refuse);
  const secretsCheck = checkSecrets(actions, precheck.file.secretNames, existing, { reset: options.reset, overwrite: options.overwrite });
  for (const note of secretsCheck.notes) ctx.say(note);
  if (secretsCheck.problems.length > 0) {
    refuse(new DeployRefusedError('ERR_DEPLOY_SECRETS', 'Refusing to deploy: the import would silently change secrets the tenant holds', secretsCheck.problems));
  }
  const declared = new Set(readTenantFile(options.tenantFile).actions.map((a) => a.name));
  const plan = {
    domain: credentials.domain,
    actions: planActions(actions, bundles, existing, precheck.file.secretNames),
    bindings: bindings.changes,
    skipped,
    untouched: existing.map((a) => a.name ?? '').filter((n) => n !== '' && !declared.has(n)),
    leftUnbound: bindings.leftUnbound,
  };
  ctx.say(`${options.dryRun ? 'Dry run: would apply' : 'Applying'} to ${credentials.domain}:`);
  for (const line of describePlan(plan)) ctx.say(line);
  if (options.dryRun) {
    if (refusals.length === 0) {
      ctx.say('Dry run: nothing was written to the tenant; the real deploy would go ahead.');
      return 0;
    }
    ctx.say('Dry run: nothing was written to the tenant. The real deploy would stop:');
    for (const r of refusals) ctx.deps.err(maskSecrets(`${r.code}: ${r.message}`, ctx.secrets));
    return 1;
  }

  const watched: Watched[] = actions.flatMap((a) =>
    a.supported_triggers.map((t) => ({ name: a.name, trigger: t.id, sha256: bundles.get(a.name)?.sha256 })),
  );
  await writeTenant(ctx, client, { actions, bundles, settings, credentials, bindings: bindings.changes, watched });
  for (const line of describeTenantState(await readTenantState(client, watched), reportOptions(options))) ctx.say(line);
  ctx.say('Deployed. Run npm run smoke:tenant to check the tenant.');
  return 0;
}

/**
 * The writes, in the order that never leaves fauna-login bound without revocation: each Action
 * in its own import (revocation first, as chooseActions sorted them), then each missing binding,
 * revocation's trigger first (planBindings sorted them). Any failure: read back and report.
 */
async function writeTenant(
  ctx: Context,
  client: ManagementClient,
  plan: {
    readonly actions: readonly ActionSpec[];
    readonly bundles: ReadonlyMap<string, CheckedBundle>;
    readonly settings: DeploySettings;
    readonly credentials: Auth0Credentials;
    readonly bindings: readonly BindingChange[];
    readonly watched: readonly Watched[];
  },
): Promise<void> {
  const deployer = ctx.deps.deployAction ?? deployWithDeployCli;
  const ids = new Map<string, string>();
  let step = '';
  try {
    for (const action of plan.actions) {
      step = `deploying ${action.name}`;
      ctx.say(`Deploying ${action.name} (one auth0-deploy-cli import; AUTH0_ALLOW_DELETE=false, only actions)...`);
      const deployed = await deployOneAction({
        client,
        credentials: plan.credentials,
        action,
        bundle: plan.bundles.get(action.name),
        settings: plan.settings,
        basePath: ctx.root,
        secrets: ctx.secrets,
        deployer,
      });
      ids.set(action.name, deployed.id);
      ctx.say(`${action.name}: deployed version ${deployed.version ?? '?'}, sha256 ${deployed.sha256 ?? '(none)'}`);
    }
    for (const change of plan.bindings) {
      // Ours already bound stay where the admin put them; only missing ones are written.
      for (const ours of change.alreadyBound) ctx.say(`${ours} stays bound to ${change.trigger} where it is (not written).`);
      for (const ours of change.added) {
        step = `binding ${ours} to ${change.trigger}`;
        const id = ids.get(ours);
        if (!id) throw new DeployRefusedError('ERR_DEPLOY_READ_BACK', `${ours} is not in the tenant to bind`, [`${ours}: no Action of that name was deployed`]);
        const display = change.merged.find((b) => b.action_name === ours)?.display_name ?? ours;
        const outcome = await bindAction(client, change.trigger, { id, name: ours, displayName: display });
        ctx.say(
          outcome.wrote
            ? `Bound ${ours} to ${change.trigger}: ${outcome.before.join(', ') || '(none)'} -> ${outcome.after.join(', ')}`
            : `${ours} was already bound to ${change.trigger}: ${outcome.after.join(', ')} (not written)`,
        );
      }
    }
  } catch (err) {
    await reportFailure(ctx, client, plan.watched, step, err);
  }
}

/** npm run deploy:tenant; resolves to the exit code (0 deployed or a clean dry run, 1 refused or failed, 2 bad usage). */
export async function runDeploy(argv: readonly string[], deps: DeployDependencies): Promise<number> {
  return runMaskedCommand({
    argv,
    parse: parseDeployOptions,
    usage: USAGE,
    io: deps,
    run: (options, output) => deployTenant({ options, deps, root: deps.root ?? REPO_ROOT, ...output }),
    failureLine: (err, options) =>
      err instanceof DeployRefusedError ? `${err.code}: ${err.message}` : `${options.dryRun ? 'Dry run' : 'Deploy'} failed: ${failureText(err)}`,
  });
}
