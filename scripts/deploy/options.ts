import path from 'node:path';
import { parseArgs } from 'node:util';
import { TENANT_FILE } from './tenant-file';

export const USAGE = `Usage: npm run deploy:tenant -- [options]

  --dry-run               read-only: the Fauna preflight, the scopes granted, what would change
                          against the DEPLOYED versions, and whatever would stop the real deploy
  --skip-build            use dist/ as it is (CI right after npm run build); still checked fresh
  --allow-dirty           deploy a build from uncommitted changes, another commit, or stale dist/
  --bind                  bind fauna-login again although an admin unbound it (the kill switch),
                          or finish a first deploy that stopped after creating it
  --keep-unbound          deploy fauna-login but leave it unbound (revocation is still bound)
  --without-revocation    deploy fauna-login without revoke-fauna-secrets (password changes
                          then revoke nothing)
  --reset NAME            drop the Action secret NAME the tenant has and this environment does
                          not set (the Action then applies its default); repeatable
  --overwrite NAME        replace the secret NAME although it was changed in the tenant after
                          the deployed version (a Dashboard edit); repeatable
  --tenant-file <file>    another tenant file (its code: paths still resolve against the repository root)`;

export interface DeployOptions {
  readonly dryRun: boolean;
  readonly skipBuild: boolean;
  readonly allowDirty: boolean;
  readonly bind: boolean;
  readonly keepUnbound: boolean;
  readonly withoutRevocation: boolean;
  readonly reset: ReadonlySet<string>;
  readonly overwrite: ReadonlySet<string>;
  readonly tenantFile: string;
  /** The arguments to repeat when the deploy is run again to finish (no --dry-run, --bind or --keep-unbound). */
  readonly rerunArgs: readonly string[];
}

export type ParsedOptions = { readonly options: DeployOptions } | { readonly help: true } | { readonly problem: string };

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseDeployOptions(argv: readonly string[]): ParsedOptions {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        'dry-run': { type: 'boolean' },
        'skip-build': { type: 'boolean' },
        'allow-dirty': { type: 'boolean' },
        bind: { type: 'boolean' },
        'keep-unbound': { type: 'boolean' },
        'without-revocation': { type: 'boolean' },
        reset: { type: 'string', multiple: true },
        overwrite: { type: 'string', multiple: true },
        'tenant-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    return { problem: (err as Error).message };
  }
  if (values.help === true) return { help: true };
  if (values.bind === true && values['keep-unbound'] === true) {
    return { problem: '--bind and --keep-unbound contradict each other: choose one' };
  }
  const names = (key: 'reset' | 'overwrite') => (values[key] as string[] | undefined) ?? [];
  const badName = [...names('reset'), ...names('overwrite')].find((name) => !SECRET_NAME.test(name));
  if (badName !== undefined) return { problem: `--reset and --overwrite take an Action secret's name (letters, digits, _), not "${badName.slice(0, 40)}"` };
  const tenantFile = typeof values['tenant-file'] === 'string' ? path.resolve(values['tenant-file']) : TENANT_FILE;
  const transient = new Set(['--dry-run', '--bind', '--keep-unbound']);
  return {
    options: {
      dryRun: values['dry-run'] === true,
      skipBuild: values['skip-build'] === true,
      allowDirty: values['allow-dirty'] === true,
      bind: values.bind === true,
      keepUnbound: values['keep-unbound'] === true,
      withoutRevocation: values['without-revocation'] === true,
      reset: new Set(names('reset')),
      overwrite: new Set(names('overwrite')),
      tenantFile,
      rerunArgs: argv.filter((arg) => !transient.has(arg)),
    },
  };
}
