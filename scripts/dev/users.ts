import fs from 'node:fs';
import type { ActionUser } from '../../actions/types/auth0-actions';
import { DevError } from './dev-error';

/** One test user of the dev login; `id` is what `login_hint` and the login page use. */
export interface DevUser extends ActionUser {
  readonly id: string;
  readonly name: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const OPTIONAL_STRINGS = ['nickname', 'email'] as const;

/** Reads and checks the users file; every problem names the file and the entry. */
export function readDevUsers(file: string): readonly DevUser[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : `it is not valid JSON (${(err as Error).message})`;
    throw new DevError('ERR_DEV_USERS_FILE', `Cannot read the dev users file ${file}: ${why}.`);
  }
  const list = isRecord(parsed) ? parsed.users : undefined;
  if (!Array.isArray(list) || list.length === 0) {
    throw new DevError('ERR_DEV_USERS_FILE', `${file} needs a non-empty "users" array.`);
  }
  const users: DevUser[] = [];
  list.forEach((entry: unknown, i) => {
    const where = `${file}: users[${i}]`;
    if (!isRecord(entry)) throw new DevError('ERR_DEV_USERS_FILE', `${where} is not an object.`);
    for (const field of ['id', 'user_id', 'name'] as const) {
      if (typeof entry[field] !== 'string' || (entry[field] as string).trim() === '') {
        throw new DevError('ERR_DEV_USERS_FILE', `${where} needs a non-empty string "${field}".`);
      }
    }
    for (const field of OPTIONAL_STRINGS) {
      if (entry[field] !== undefined && typeof entry[field] !== 'string') {
        throw new DevError('ERR_DEV_USERS_FILE', `${where}: "${field}" must be a string when given.`);
      }
    }
    const user = entry as unknown as DevUser;
    if (users.some((u) => u.id === user.id || u.user_id === user.user_id)) {
      throw new DevError('ERR_DEV_USERS_FILE', `${where} repeats the id or user_id of an earlier user.`);
    }
    users.push({
      id: user.id,
      user_id: user.user_id,
      name: user.name,
      ...(user.nickname !== undefined ? { nickname: user.nickname } : {}),
      ...(user.email !== undefined ? { email: user.email, email_verified: true } : {}),
    });
  });
  return users;
}

/** The user a `login_hint` names: by id, email or user_id. */
export function findDevUser(users: readonly DevUser[], hint: string | undefined): DevUser | undefined {
  if (hint === undefined || hint === '') return undefined;
  return users.find((u) => u.id === hint || u.email === hint || u.user_id === hint);
}
