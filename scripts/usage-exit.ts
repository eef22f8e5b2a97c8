/** What a command's argument parser answers: options to run with, a request for help, or what is wrong. */
export type ParsedArguments<T> = { readonly options: T } | { readonly help: true } | { readonly problem: string };

/**
 * The exit code when the arguments end the run before it starts: 0 after printing the usage on
 * --help, 2 after naming the problem (ERR_USAGE) and the usage; undefined when the run goes on.
 */
export function usageExit<T>(parsed: ParsedArguments<T>, usage: string, io: { readonly out: (line: string) => void; readonly err: (line: string) => void }): number | undefined {
  if ('help' in parsed) {
    io.out(usage);
    return 0;
  }
  if ('problem' in parsed) {
    io.err(`ERR_USAGE: ${parsed.problem}`);
    io.err(usage);
    return 2;
  }
  return undefined;
}
