import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';

/**
 * Where a new secret goes instead of a terminal: a file created for it alone, mode 600, in
 * `.env` syntax (NAME=value lines, so it can be merged into `.env` or loaded by a secret store).
 * Opened before the secret exists (a path that cannot be written is known before a key is made
 * whose secret would then be lost) and filled once it does. setup:fauna's `--key-file` uses it;
 * so does rotate:keys, which also reads its own file back to resume a rotation (readKeyFile).
 */
export type KeyFileErrorCode =
  /** The file exists: never overwritten (it may hold the only copy of a live key). */
  | 'ERR_KEY_FILE_EXISTS'
  /** The file cannot be created there (no such folder, no permission). */
  | 'ERR_KEY_FILE_PATH'
  /** A value cannot be written as one NAME=value line. */
  | 'ERR_KEY_FILE_VALUE'
  /** An existing key file cannot be read back (permissions, not a file). */
  | 'ERR_KEY_FILE_READ';

export class KeyFileError extends Error {
  readonly code: KeyFileErrorCode;

  constructor(code: KeyFileErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

export interface KeyFileEntry {
  /** The variable the value is for, e.g. FAUNA_SECRET. */
  readonly name: string;
  readonly value: string;
  /** A line of context above it (which key, which role, when); never a secret. */
  readonly comment?: string;
}

export interface OpenKeyFile {
  readonly path: string;
  readonly fd: number;
}

const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PLAIN = /^[A-Za-z0-9_\-+/=.:@]+$/;

/** Creates `file` (mode 600, refusing one that exists) and keeps it open for writeKeyFile. */
export function openKeyFile(file: string): OpenKeyFile {
  const resolved = path.resolve(file);
  try {
    return { path: resolved, fd: fs.openSync(resolved, 'wx', 0o600) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new KeyFileError('ERR_KEY_FILE_EXISTS', `${file} already exists; give a new file name (an existing file is never overwritten: it may hold the only copy of a key)`);
    }
    throw new KeyFileError('ERR_KEY_FILE_PATH', `cannot create ${file} (${code ?? 'error'}); check the folder exists and is writable`);
  }
}

function line(entry: KeyFileEntry): string {
  if (!VARIABLE.test(entry.name)) throw new KeyFileError('ERR_KEY_FILE_VALUE', `${entry.name} is not a variable name`);
  // Fauna secrets are plain; anything else is single-quoted (dotenv reads it literally), and a value
  // that could not survive that is refused, named but never shown.
  if (PLAIN.test(entry.value)) return `${entry.name}=${entry.value}`;
  if (!/['\r\n]/.test(entry.value)) return `${entry.name}='${entry.value}'`;
  throw new KeyFileError('ERR_KEY_FILE_VALUE', `the value for ${entry.name} cannot be written as one line`);
}

/** Writes the entries, flushes them to disk and closes the file; its mode stays 600 whatever the umask. */
export function writeKeyFile(file: OpenKeyFile, entries: readonly KeyFileEntry[], heading: string): void {
  try {
    const body = entries.map((entry) => `${entry.comment ? `# ${entry.comment}\n` : ''}${line(entry)}\n`).join('');
    fs.fchmodSync(file.fd, 0o600);
    fs.writeSync(file.fd, `# ${heading}\n${body}`);
    fs.fsyncSync(file.fd);
  } finally {
    fs.closeSync(file.fd);
  }
}

/** Closes and removes a key file that was opened but not needed (the key was not created). */
export function discardKeyFile(file: OpenKeyFile): void {
  try {
    fs.closeSync(file.fd);
  } catch {
    // Already closed.
  }
  fs.rmSync(file.path, { force: true });
}

export interface ReadKeyFile {
  /** Its NAME=value lines (dotenv syntax, as writeKeyFile writes them). */
  readonly values: Readonly<Record<string, string>>;
  /** Its first line, without `# `: what wrote it, when, and for which run. */
  readonly heading: string;
}

/** Reads a key file back (a rotation resuming); never prints its values. */
export function readKeyFile(file: string): ReadKeyFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new KeyFileError('ERR_KEY_FILE_READ', `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}); check it exists and is readable`);
  }
  const first = text.split('\n', 1)[0] ?? '';
  return { values: dotenv.parse(text), heading: first.replace(/^#\s*/, '') };
}
