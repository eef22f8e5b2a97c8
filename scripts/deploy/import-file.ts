import { parse, stringify } from 'yaml';
import type { SettingName } from '../../actions/lib/settings';
import { escapeRegExp } from './bundles';
import type { DeploySettings } from './environment';
import { KEYWORD, keywordsIn, type ActionSpec, type TriggerBindings } from './tenant-file';

export interface ImportFile {
  /** The tenant file deploy-cli imports, keywords still in place: it holds no secret value. */
  readonly text: string;
  /** AUTH0_KEYWORD_REPLACE_MAPPINGS: exactly the settings the file uses, encoded for its quoting. */
  readonly mappings: Readonly<Record<string, string>>;
  /** Secret names sent per Action (values never listed). */
  readonly secretNames: Readonly<Record<string, readonly string[]>>;
}

/**
 * auth0-deploy-cli's keyword replacement (its `tools.keywordReplace`, applied to tenant.yaml and
 * to every code file it loads), as our own small function so that checking a tenant file needs
 * neither deploy-cli's non-public modules nor the time it takes to load: first every `@@KEY@@`
 * (bare or inside either quote) becomes the JSON of its value, then every `##KEY##` the value
 * itself, key by key in the mappings' order. test/deploy/deploy-checks.test.ts proves it agrees
 * with deploy-cli's on the inputs that matter.
 */
export function keywordReplace(input: string, mappings: Readonly<Record<string, string>>): string {
  let out = input;
  for (const [key, value] of Object.entries(mappings)) {
    const marker = escapeRegExp(`@@${key}@@`);
    out = out.replace(new RegExp(`'${marker}'|"${marker}"|${marker}`, 'g'), () => JSON.stringify(value));
  }
  for (const [key, value] of Object.entries(mappings)) {
    out = out.replace(new RegExp(escapeRegExp(`##${key}##`), 'g'), () => value);
  }
  return out;
}

// Every string in the generated file is single-quoted, where only `'` needs escaping (as `''`),
// so a literal ##KEY## replacement yields exactly the value. The round-trip check proves it.
function forSingleQuotedYaml(value: string): string {
  return value.replace(/'/g, "''");
}

function withValues(template: string, values: ReadonlyMap<SettingName, string>): string {
  return template.replace(KEYWORD, (marker, literal: string | undefined) =>
    literal !== undefined && values.has(literal as SettingName) ? (values.get(literal as SettingName) ?? marker) : marker,
  );
}

/**
 * Writes the tenant file deploy-cli will import: the given Actions (a secret whose setting is
 * optional and unset is left out, so the Action applies its own default) and, when given, trigger
 * bindings. Then proves, with deploy-cli's keyword replacement, that no keyword stays unresolved
 * and that every secret arrives with exactly its value.
 */
export function buildImportFile(
  actions: readonly ActionSpec[],
  triggers: TriggerBindings | undefined,
  settings: DeploySettings,
): { file?: ImportFile; problems: string[] } {
  const omitted = new Set<string>(settings.omitted);
  const included = actions.map((action) => ({
    ...action,
    secrets: action.secrets.filter((secret) => !keywordsIn(secret.value).some((name) => omitted.has(name))),
  }));
  const text = stringify(
    triggers === undefined ? { actions: included } : { actions: included, triggers },
    { defaultStringType: 'QUOTE_SINGLE', defaultKeyType: 'PLAIN', lineWidth: 0 },
  );
  const used = keywordsIn(text);
  const problems = used
    .filter((name) => !settings.values.has(name as SettingName))
    .map(
      (name) =>
        `tenant.yaml uses the keyword ${name}, which is not a setting this deploy provides (see actions/lib/settings.ts): remove it or set it`,
    );
  // A single-quoted YAML scalar folds line breaks, so such a value can never arrive unchanged.
  for (const name of used) {
    if (/[\r\n]/.test(settings.values.get(name as SettingName) ?? '')) {
      problems.push(`${name} contains a line break, which tenant.yaml keyword replacement cannot carry; remove it`);
    }
  }
  if (problems.length > 0) return { problems };

  const mappings: Record<string, string> = {};
  for (const name of used) mappings[name] = forSingleQuotedYaml(settings.values.get(name as SettingName) ?? '');

  let rendered: unknown;
  try {
    rendered = parse(keywordReplace(text, mappings));
  } catch {
    return {
      problems: [`a value of ${used.join(', ')} breaks the YAML of the tenant file (a line break?); check those settings`],
    };
  }
  const renderedActions = (rendered as { actions: { name: string; secrets: { name: string; value: unknown }[] }[] })
    .actions;
  for (const action of included) {
    const sent = renderedActions.find((a) => a.name === action.name)?.secrets ?? [];
    for (const secret of action.secrets) {
      const arrived = sent.find((s) => s.name === secret.name)?.value;
      if (arrived !== withValues(secret.value, settings.values)) {
        problems.push(
          `${keywordsIn(secret.value).join(', ')}: the value would not reach Action ${action.name} unchanged through keyword replacement (does it contain another ##NAME## marker?)`,
        );
      }
    }
  }
  if (problems.length > 0) return { problems: [...new Set(problems)] };
  const secretNames = Object.fromEntries(included.map((a) => [a.name, a.secrets.map((s) => s.name)]));
  return { file: { text, mappings, secretNames }, problems };
}
