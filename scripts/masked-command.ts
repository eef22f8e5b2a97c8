import { clearDebugLogging, maskSecrets, secretValues, type EnvBag } from './deploy/environment';
import { usageExit, type ParsedArguments } from './usage-exit';

/** Where a credential-handling command prints: every line goes through the mask. */
export interface MaskedOutput {
  /** Every value to mask: the environment's secrets; a command adds each new secret as it learns it. */
  readonly secrets: string[];
  /** One line to stdout, masked. */
  readonly say: (line: string) => void;
}

export interface MaskedCommand<T> {
  readonly argv: readonly string[];
  readonly parse: (argv: readonly string[]) => ParsedArguments<T>;
  readonly usage: string;
  readonly io: { readonly env: EnvBag; readonly out: (line: string) => void; readonly err: (line: string) => void };
  readonly run: (options: T, output: MaskedOutput) => Promise<number>;
  /** The one stderr line for an error `run` threw (masked before it is printed). */
  readonly failureLine: (err: unknown, options: T) => string;
}

/**
 * Runs a command that holds credentials (deploy:tenant, rotate:keys): debug logging off before
 * anything loads a logger (auth0-deploy-cli's reads AUTH0_LOG once, and could print request
 * bodies), the arguments parsed, and every line printed, the failure's among them, masked.
 * Resolves to the exit code: `run`'s, 1 when it throws, 0 or 2 when the arguments end the run.
 */
export async function runMaskedCommand<T>(command: MaskedCommand<T>): Promise<number> {
  clearDebugLogging();
  const parsed = command.parse(command.argv);
  const early = usageExit(parsed, command.usage, command.io);
  if (early !== undefined || !('options' in parsed)) return early ?? 2;
  const secrets = secretValues(command.io.env);
  const output: MaskedOutput = { secrets, say: (line) => command.io.out(maskSecrets(line, secrets)) };
  try {
    return await command.run(parsed.options, output);
  } catch (err) {
    command.io.err(maskSecrets(command.failureLine(err, parsed.options), secrets));
    return 1;
  }
}
