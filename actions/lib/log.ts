/**
 * Log lines as Auth0's Action logs show them: one line, a stable code, what to do. Lines are
 * built from codes and setting names only; `redact` is the last guard that no credential a
 * caller knows of slips into one anyway.
 */
export type LogLevel = 'info' | 'warn' | 'error';

export interface LogSink {
  (level: LogLevel, line: string): void;
}

export const consoleSink: LogSink = (level, line) => {
  if (level === 'info') console.log(line);
  else if (level === 'warn') console.warn(line);
  else console.error(line);
};

const REDACTED = '[redacted]';

export function redact(text: string, credentials: readonly (string | undefined)[]): string {
  let out = text;
  for (const credential of credentials) {
    if (credential !== undefined && credential.length >= 4) out = out.split(credential).join(REDACTED);
  }
  return out;
}

export function createLogger(action: string, sink: LogSink, credentials: readonly (string | undefined)[]) {
  return (level: LogLevel, message: string) => sink(level, redact(`[${action}] ${message}`, credentials));
}

export type Logger = ReturnType<typeof createLogger>;
