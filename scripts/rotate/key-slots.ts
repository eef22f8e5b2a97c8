import type { EnvBag } from '../environment';
import { RotationError } from './errors';
import { KEY_VARIABLES, keyIdInSecret, roleLabel, type KeyDocument, type KeyVariable, type RotationFauna } from './fauna-keys';

/**
 * Which keys a rotation replaces, and with what: derived each run from the environment, the key
 * file and the keys' own `data` tags, so a run that stopped anywhere is resumed by running again.
 *
 * - The old keys are those of FAUNA_SECRET and FAUNA_REVOKE_SECRET: each secret is asked which key
 *   it is (`CurrentToken()`), and the admin reads that key. One secret in both variables (a
 *   shared key) is one slot.
 * - Unless the environment already holds a new key: a key tagged `rotation.replaces = X` whose X
 *   still exists is a rotation under way (the admin updated .env early); X is then the old key.
 * - The new key comes from the key file an earlier run wrote (its secret is nowhere else), and
 *   must be tagged as replacing that old key; without one, the run creates it.
 * - Keys tagged as replacing the old key whose secret is not at hand (a run whose key file was
 *   lost, or whose write failed) are abandoned: nothing can deploy them, and they are deleted with
 *   the old key.
 */
export interface OldKey {
  readonly id: string;
  /** Its document while it exists; undefined once deleted (Fauna may still accept it from its cache). */
  readonly doc?: KeyDocument;
  /** The secret, when this environment holds it: the 401 check needs it. */
  readonly secret?: string;
}

export interface NewKey {
  readonly id: string;
  readonly secret: string;
  readonly doc: KeyDocument;
  readonly source: 'key file' | 'environment';
}

export interface KeySlot {
  /** The variables this key fills: one, or both for a shared key. */
  readonly variables: readonly KeyVariable[];
  readonly old: OldKey;
  readonly new?: NewKey;
  readonly abandoned: readonly KeyDocument[];
}

export interface KeyFileContents {
  readonly path: string;
  readonly values: Readonly<Record<string, string>>;
  readonly heading: string;
}

/** The heading rotate:keys writes first in its key file; a file without it is not one of ours. */
export const KEY_FILE_HEADING = 'Written by npm run rotate:keys';

const REFUSED_HINT = 'if a rotation deleted it, put the values of that rotation\'s key file into .env (or your secret store) and run again only to rotate again';

/**
 * The key a secret of the environment is. A secret Fauna refuses is an old key only when the key
 * file holds its replacement: the rotation deleted it, and this run only confirms the 401.
 */
async function oldKeyOf(
  fauna: RotationFauna,
  variable: KeyVariable,
  secret: string,
  replacedByFile: (id: string) => Promise<boolean>,
): Promise<{ key: OldKey; doc?: KeyDocument }> {
  const who = await fauna.identify(secret);
  if (who.kind === 'refused') {
    const id = keyIdInSecret(secret);
    if (id !== undefined && (await replacedByFile(id))) return { key: { id, secret } };
    throw new RotationError('ERR_ROTATE_OLD_KEY', `${variable} is not a key Fauna accepts`, [
      `${variable}${id ? ` (key ${id})` : ''} answers 401 unauthorized: ${REFUSED_HINT}`,
    ]);
  }
  if (who.kind === 'token') {
    throw new RotationError('ERR_ROTATE_OLD_KEY', `${variable} is not a key`, [`${variable} holds a token's secret; the Actions need keys (npm run setup:fauna -- --create-action-key)`]);
  }
  if (who.kind === 'outside') {
    throw new RotationError('ERR_ROTATE_OLD_KEY', `${variable} is not a key of this database`, [
      `${variable} is a key from outside the app's database (the root key or a parent's): rotate:keys replaces only keys the database holds, made by npm run setup:fauna`,
    ]);
  }
  const doc = await fauna.key(who.id);
  if (doc?.builtinRole !== undefined) {
    throw new RotationError('ERR_ROTATE_OLD_KEY', `${variable} is not an Action key`, [
      `${variable} is key ${doc.id} with the built-in role ${doc.builtinRole}, far stronger than an Action needs: make Action keys with npm run setup:fauna -- --create-action-key --create-revoke-key --key-file FILE, deploy them (npm run deploy:tenant), and delete key ${doc.id}`,
    ]);
  }
  return { key: { id: who.id, ...(doc ? { doc } : {}), secret }, doc };
}

function sameValue(values: Readonly<Record<string, string>>, variables: readonly KeyVariable[]): string | undefined {
  const found = [...new Set(variables.map((v) => values[v]?.trim()).filter((v): v is string => v !== undefined && v !== ''))];
  return found.length === 1 ? found[0] : undefined;
}

/** The slots of a rotation; refuses, naming the variable or key, whatever it cannot make sense of. */
export async function deriveSlots(fauna: RotationFauna, env: EnvBag, keyFile: KeyFileContents | undefined): Promise<KeySlot[]> {
  const groups = new Map<string, KeyVariable[]>();
  for (const variable of KEY_VARIABLES) {
    const secret = env[variable]?.trim();
    if (!secret) continue;
    groups.set(secret, [...(groups.get(secret) ?? []), variable]);
  }
  if (keyFile !== undefined && !keyFile.heading.startsWith(KEY_FILE_HEADING)) {
    throw new RotationError('ERR_ROTATE_KEY_FILE', `${keyFile.path} exists and is not a rotate:keys key file`, [
      `its first line is not "# ${KEY_FILE_HEADING} …": give --key-file a new file name (an existing file is never overwritten)`,
    ]);
  }
  const keys = await fauna.allKeys();
  const slots: KeySlot[] = [];
  for (const [secret, variables] of groups) {
    const label = variables.join(' and ');
    const fileSecret = keyFile ? sameValue(keyFile.values, variables) : undefined;
    const replacedByFile = async (id: string) => {
      const who = fileSecret === undefined ? undefined : await fauna.identify(fileSecret);
      return who?.kind === 'key' && keys.some((k) => k.id === who.id && k.rotation?.replaces === id);
    };
    const { key: inEnv, doc } = await oldKeyOf(fauna, variables[0] as KeyVariable, secret, replacedByFile);
    let old: OldKey = inEnv;
    let fromEnv: NewKey | undefined;
    // The environment already holds a new key whose old key still exists: that rotation is under way.
    const replaced = doc?.rotation ? keys.find((k) => k.id === doc.rotation?.replaces) : undefined;
    if (doc?.rotation && replaced) {
      old = { id: replaced.id, doc: replaced };
      fromEnv = { id: doc.id, secret, doc, source: 'environment' };
    }
    let fromFile: NewKey | undefined;
    if (keyFile && fileSecret !== undefined && fileSecret !== fromEnv?.secret) {
      const who = await fauna.identify(fileSecret);
      const fileDoc = who.kind === 'key' ? keys.find((k) => k.id === who.id) : undefined;
      if (!fileDoc) {
        throw new RotationError('ERR_ROTATE_KEY_FILE', `${keyFile.path} holds a ${label} that is no longer a key`, [
          `its ${label} ${who.kind === 'key' ? `is key ${who.id}, which is deleted` : 'answers 401'}: that rotation was undone or finished; give --key-file a new file name to start a new one`,
        ]);
      }
      if (fileDoc.id === old.id) {
        throw new RotationError('ERR_ROTATE_KEY_FILE', `Nothing to resume: ${keyFile.path} holds the key ${label} already holds`, [
          `${label} is key ${old.id}, the one in ${keyFile.path}: that rotation is finished. To rotate again, give --key-file a new file name`,
        ]);
      }
      if (fileDoc.rotation?.replaces !== old.id) {
        throw new RotationError('ERR_ROTATE_KEY_FILE', `${keyFile.path} belongs to another rotation`, [
          `its ${label} is key ${fileDoc.id}, which ${fileDoc.rotation ? `replaces key ${fileDoc.rotation.replaces}` : 'no rotation made'}, not ${label}'s key ${old.id}: give --key-file a new file name to start a rotation of key ${old.id}`,
        ]);
      }
      fromFile = { id: fileDoc.id, secret: fileSecret, doc: fileDoc, source: 'key file' };
    }
    const chosen = fromEnv ?? fromFile;
    if (keyFile && !chosen) {
      throw new RotationError('ERR_ROTATE_KEY_FILE', `${keyFile.path} holds no new key for ${label}`, [
        `it was written for other keys (its heading: "${keyFile.heading.slice(0, 120)}"): give --key-file a new file name to start a rotation`,
      ]);
    }
    if (!old.doc && !chosen) {
      throw new RotationError('ERR_ROTATE_OLD_KEY', `${label}'s key ${old.id} is deleted`, [
        `Fauna still accepts it from its key cache for a while, but it is gone: ${REFUSED_HINT}`,
      ]);
    }
    const abandoned = keys.filter((k) => k.rotation?.replaces === old.id && k.id !== chosen?.id);
    slots.push({ variables, old, ...(chosen ? { new: chosen } : {}), abandoned });
  }
  return slots;
}

/** One line per slot, for the plan and the reports: key ids, roles and times, never a secret. */
export function describeSlot(slot: KeySlot): string[] {
  const label = slot.variables.join(' and ');
  const role = slot.old.doc ? roleLabel(slot.old.doc) : slot.new ? roleLabel(slot.new.doc) : '?';
  const lines = [
    `${label}: old key ${slot.old.id} (role ${role}${slot.old.doc ? `, written ${slot.old.doc.writtenAt}` : ''}): ${slot.old.doc ? 'live' : 'deleted'}`,
  ];
  if (slot.new) {
    const deployed = Object.entries(slot.new.doc.rotation?.deployed ?? {}).map(([action, version]) => `${action} version ${version}`);
    lines.push(`  new key ${slot.new.id} (rotation ${slot.new.doc.rotation?.id ?? '?'}, its secret from the ${slot.new.source})${deployed.length > 0 ? `, deployed in ${deployed.join(', ')}` : ', not deployed yet'}`);
  } else {
    lines.push('  new key: to be created, with the same role');
  }
  for (const key of slot.abandoned) {
    lines.push(`  key ${key.id} (rotation ${key.rotation?.id ?? '?'}) also replaces it, but its secret is not here: deleted with the old key`);
  }
  return lines;
}
