/**
 * Credentials, as the core keeps them (paths under ext/model/src/main/scala/); `Login` and
 * `Identify`, which read them, are in ./auth-forms.ts.
 * - `Create`/`Update`/`Replace` of a document with `credentials: {password}` store the password's
 *   hash in a separate credentials record for that document (doc/Credentials.scala, one per
 *   document through the unique native index CredentialsByDocument), written with server rights
 *   after the document (ast/functions/WriteAdaptor.scala UserDocumentWriteConfig.customWrite:
 *   "WARNING: escalating privs for credentials"). The document never holds them, so neither the
 *   write's answer nor a later `Get` shows them. No `current_password` is asked for: the client
 *   validator compares it with the hash in the document's own data, which is never stored there
 *   (util/SharedValidators.scala ClientPasswordValidator; source only).
 *
 * The core hashes with BCrypt (util/BCrypt.scala, 5 rounds); this module uses scrypt with a low
 * cost, which is as unreadable and fast enough for tests.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { EvalError, validationFailed, type Position } from './errors';
import type { EvalContext } from './evaluator';
import { Doc, Ref, isObjectValue, nativeRef, refEquals, type ObjectValue, type Value } from './values';

const CREDENTIALS = '#credentials';
const SCRYPT_COST = { N: 1024, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64')}$${scryptSync(password, salt, KEY_LENGTH, SCRYPT_COST).toString('base64')}`;
}

export function passwordMatches(password: string, stored: Value | undefined): boolean {
  if (typeof stored !== 'string') return false;
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), KEY_LENGTH, SCRYPT_COST);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export function credentialsOf(ctx: EvalContext, instance: Ref): Doc | undefined {
  return ctx.tx.scan(CREDENTIALS).find((doc) => doc.fields.instance instanceof Ref && refEquals(doc.fields.instance, instance));
}

/**
 * Stores `credentials` (the write's params field, not null) for the document `instance`: a new
 * record, or the existing one with the new password's hash. Called after the document's own
 * write passed its permission check; needs no further privilege, as in the core.
 */
export function writeCredentials(ctx: EvalContext, instance: Ref, credentials: Value, pos: Position): void {
  if (!isObjectValue(credentials)) {
    throw new EvalError(400, 'invalid expression', 'The in-process Fauna supports credentials only as an object: {password}.', pos);
  }
  const unsupported = Object.keys(credentials).filter((key) => key !== 'password');
  if (unsupported.length > 0) {
    throw new EvalError(400, 'invalid expression', `The in-process Fauna does not support credentials.${unsupported[0]}; give only a password.`, pos);
  }
  const password = credentials.password;
  if (password !== undefined && password !== null && typeof password !== 'string') throw validationFailed('document', pos);
  const fields: ObjectValue = { instance };
  // Without a password the record holds no hash, and Login fails (the core's validators clear it).
  if (typeof password === 'string') fields.hashed_password = hashPassword(password);
  const existing = credentialsOf(ctx, instance);
  const ref = existing?.ref ?? new Ref(ctx.fake.newId(), nativeRef('credentials'));
  ctx.tx.put(CREDENTIALS, new Doc(ref, ctx.tx.now, fields));
}
