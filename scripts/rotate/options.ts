import path from 'node:path';
import { parseArgs } from 'node:util';

export const DEFAULT_MARGIN_SECONDS = 60;
export const MIN_MARGIN_SECONDS = 5;
export const DEFAULT_REFUSAL_SECONDS = 120;

export const USAGE = `Usage: npm run rotate:keys -- --key-file FILE [options]

Replaces the Actions' Fauna keys (FAUNA_SECRET, FAUNA_REVOKE_SECRET) with new keys of the same
roles, deploys them, proves them, waits, then deletes the old keys. Run it again to resume.

  --key-file FILE              where the new secrets go (created mode 600, never overwritten; never
                               printed); to resume, the file an earlier run wrote
  --dry-run                    read-only: which keys are old, the tenant and Fauna checks, the plan
  --margin-seconds N           wait this long beyond the Actions' longest Fauna budget (9 s) before
                               deleting the old keys (default ${DEFAULT_MARGIN_SECONDS}, at least ${MIN_MARGIN_SECONDS})
  --refusal-timeout-seconds N  after deleting, how long to wait for Fauna to refuse the old keys
                               (401; its key cache may hold them a while; default ${DEFAULT_REFUSAL_SECONDS})
  --allow-dirty                go on although dist/ is not provably this commit's build (it must
                               still be the code the tenant runs)
  --event FILE                 the post-login event of the test run (default scripts/fixtures/post-login-event.json)

Reads what deploy:tenant reads (AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET and the Action
settings, FAUNA_SECRET and FAUNA_REVOKE_SECRET being the current keys) plus FAUNA_ADMIN_SECRET.`;

export interface RotateOptions {
  readonly dryRun: boolean;
  /** Resolved path; undefined only on a dry run without it. */
  readonly keyFile: string | undefined;
  /** As given, for the commands the reports print. */
  readonly keyFileArg: string | undefined;
  readonly marginSeconds: number;
  readonly refusalTimeoutSeconds: number;
  readonly allowDirty: boolean;
  readonly event: string | undefined;
  /** The arguments to repeat to resume (no --dry-run). */
  readonly rerunArgs: readonly string[];
}

export type ParsedRotateOptions = { readonly options: RotateOptions } | { readonly help: true } | { readonly problem: string };

function wholeSeconds(name: string, raw: string | undefined, fallback: number, min: number, max: number): number | string {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n >= min && n <= max ? n : `--${name} must be a whole number of seconds from ${min} to ${max}`;
}

export function parseRotateOptions(argv: readonly string[]): ParsedRotateOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        'dry-run': { type: 'boolean' },
        'key-file': { type: 'string' },
        'margin-seconds': { type: 'string' },
        'refusal-timeout-seconds': { type: 'string' },
        'allow-dirty': { type: 'boolean' },
        event: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    return { problem: (err as Error).message };
  }
  if (values.help === true) return { help: true };
  const dryRun = values['dry-run'] === true;
  const keyFileArg = typeof values['key-file'] === 'string' ? values['key-file'] : undefined;
  if (!dryRun && (keyFileArg === undefined || keyFileArg.trim() === '')) {
    return { problem: '--key-file FILE is required: the new secrets are written there (mode 600), never printed; to resume, give the file an earlier run wrote' };
  }
  const margin = wholeSeconds('margin-seconds', values['margin-seconds'] as string | undefined, DEFAULT_MARGIN_SECONDS, MIN_MARGIN_SECONDS, 3600);
  if (typeof margin === 'string') return { problem: margin };
  const refusal = wholeSeconds('refusal-timeout-seconds', values['refusal-timeout-seconds'] as string | undefined, DEFAULT_REFUSAL_SECONDS, 0, 3600);
  if (typeof refusal === 'string') return { problem: refusal };
  return {
    options: {
      dryRun,
      keyFile: keyFileArg === undefined ? undefined : path.resolve(keyFileArg),
      keyFileArg,
      marginSeconds: margin,
      refusalTimeoutSeconds: refusal,
      allowDirty: values['allow-dirty'] === true,
      event: typeof values.event === 'string' ? path.resolve(values.event) : undefined,
      rerunArgs: argv.filter((arg) => arg !== '--dry-run'),
    },
  };
}
