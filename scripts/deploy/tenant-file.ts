import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { Management } from 'auth0';
import { DeployRefusedError } from './deploy-refused';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const TENANT_FILE = path.join(REPO_ROOT, 'tenant.yaml');

/** The two Actions of tenant.yaml, and the triggers they are bound to: revocation is written first. */
export const LOGIN_ACTION = 'fauna-login';
export const REVOKE_ACTION = 'revoke-fauna-secrets';
export const LOGIN_TRIGGER = 'post-login';
export const REVOKE_TRIGGER = 'post-change-password';

/** `##NAME##` (literal) and `@@NAME@@` (JSON): the two keyword forms auth0-deploy-cli replaces. */
export const KEYWORD = /##([A-Za-z0-9_]+)##|@@([A-Za-z0-9_]+)@@/g;

export type TriggerId = Management.ActionTriggerTypeEnum;

export interface SecretSpec {
  readonly name: string;
  readonly value: string;
}

export interface ActionSpec {
  readonly name: string;
  readonly code: string;
  readonly runtime: string;
  readonly deployed: boolean;
  readonly dependencies: readonly unknown[];
  readonly supported_triggers: readonly { readonly id: TriggerId; readonly version: string }[];
  readonly secrets: readonly SecretSpec[];
}

export interface BindingSpec {
  readonly action_name: string;
  readonly display_name: string;
}

export type TriggerBindings = Readonly<Partial<Record<TriggerId, readonly BindingSpec[]>>>;

export interface TenantFile {
  readonly actions: readonly ActionSpec[];
  readonly triggers: TriggerBindings;
}

// The trigger ids of the SDK's Management.ActionTriggerTypeEnum, written out so that reading
// tenant.yaml does not load the auth0 SDK (~0.4 s a time). The type makes the typecheck fail
// when the SDK gains or drops one.
const TRIGGER_IDS: Readonly<Record<TriggerId, true>> = {
  'post-login': true,
  'credentials-exchange': true,
  'pre-user-registration': true,
  'post-user-registration': true,
  'post-change-password': true,
  'send-phone-message': true,
  'custom-phone-provider': true,
  'custom-email-provider': true,
  'password-reset-post-challenge': true,
  'custom-token-exchange': true,
  'event-stream': true,
  'password-hash-migration': true,
  'login-post-identifier': true,
  'signup-post-identifier': true,
  'post-credential-validation': true,
};

function isTriggerId(id: unknown): id is TriggerId {
  return typeof id === 'string' && Object.hasOwn(TRIGGER_IDS, id);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** Reads tenant.yaml and checks the shape the deploy relies on; every problem is reported. */
export function readTenantFile(file: string = TENANT_FILE): TenantFile {
  const where = path.relative(process.cwd(), file) || file;
  let doc: unknown;
  try {
    doc = parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new DeployRefusedError('ERR_DEPLOY_TENANT_FILE', `Cannot read ${where}`, [(err as Error).message]);
  }
  const problems: string[] = [];
  const actions: ActionSpec[] = [];
  const triggers: Partial<Record<TriggerId, BindingSpec[]>> = {};
  if (!isRecord(doc) || !Array.isArray(doc.actions) || !isRecord(doc.triggers)) {
    throw new DeployRefusedError('ERR_DEPLOY_TENANT_FILE', `${where} is not a tenant file`, [
      'expected top-level `actions:` (a list) and `triggers:` (a map of trigger id to bindings)',
    ]);
  }
  doc.actions.forEach((raw: unknown, index: number) => {
    const label = isRecord(raw) && text(raw.name) ? `action ${raw.name}` : `actions[${index}]`;
    if (!isRecord(raw) || !text(raw.name) || !text(raw.code) || !text(raw.runtime)) {
      problems.push(`${label} needs name, code and runtime`);
      return;
    }
    const supported = Array.isArray(raw.supported_triggers) ? raw.supported_triggers : [];
    const triggersOk = supported.length > 0 && supported.every((t) => isRecord(t) && isTriggerId(t.id) && text(t.version));
    const secrets = Array.isArray(raw.secrets) ? raw.secrets : [];
    const secretsOk = secrets.every((s) => isRecord(s) && text(s.name) && typeof s.value === 'string');
    if (!triggersOk) problems.push(`${label}: supported_triggers must list {id, version} with a known trigger id`);
    if (!secretsOk) problems.push(`${label}: every secret needs a name and a string value`);
    if (!triggersOk || !secretsOk) return;
    actions.push({
      name: raw.name,
      code: raw.code,
      runtime: raw.runtime,
      deployed: raw.deployed === true,
      dependencies: Array.isArray(raw.dependencies) ? raw.dependencies : [],
      supported_triggers: supported as ActionSpec['supported_triggers'],
      secrets: secrets as SecretSpec[],
    });
  });
  for (const [id, list] of Object.entries(doc.triggers)) {
    const ok = Array.isArray(list) && list.every((b) => isRecord(b) && text(b.action_name) && text(b.display_name));
    if (!isTriggerId(id)) problems.push(`triggers.${id} is not an Auth0 trigger id`);
    else if (!ok) problems.push(`triggers.${id} must list {action_name, display_name}`);
    else triggers[id] = list as BindingSpec[];
  }
  if (problems.length > 0) throw new DeployRefusedError('ERR_DEPLOY_TENANT_FILE', `${where} is invalid`, problems);
  return { actions, triggers };
}

/** The Action's source folder entry point; an Action is deployed only when it exists. */
export function actionSourcePath(root: string, actionName: string): string {
  return path.join(root, 'actions', actionName, 'index.ts');
}

export interface DeployableActions {
  readonly actions: readonly ActionSpec[];
  /** Our bindings for the Actions we deploy, per trigger. */
  readonly triggers: TriggerBindings;
  /** Declared in tenant.yaml but with no source in this checkout. */
  readonly skipped: readonly string[];
}

export function selectDeployable(file: TenantFile, root: string): DeployableActions {
  const actions = file.actions.filter((a) => fs.existsSync(actionSourcePath(root, a.name)));
  const names = new Set(actions.map((a) => a.name));
  const triggers: Partial<Record<TriggerId, readonly BindingSpec[]>> = {};
  for (const [id, list] of Object.entries(file.triggers) as [TriggerId, readonly BindingSpec[]][]) {
    const ours = list.filter((b) => names.has(b.action_name));
    if (ours.length > 0) triggers[id] = ours;
  }
  return { actions, triggers, skipped: file.actions.filter((a) => !names.has(a.name)).map((a) => a.name) };
}

/** Every keyword name used in a text, in order of first use. */
export function keywordsIn(source: string): string[] {
  const names = new Set<string>();
  for (const match of source.matchAll(KEYWORD)) names.add(match[1] ?? match[2] ?? '');
  return [...names];
}
