/**
 * The project's schema (fauna/definitions.ts SCHEMA) in an in-process Fauna, applied the way
 * `npm run setup:fauna` applies it: read the state, plan, one write that also creates the
 * requested keys (fauna/plan.ts). The keys hold the custom roles of fauna/roles.ts, so what they
 * may do is what the roles say: use them, not a server key, wherever the rules matter.
 */
import { createFaunaClient } from '../actions/lib/fauna-client';
import { SCHEMA } from '../fauna/definitions';
import { buildApplyQuery, buildReadStateQuery, decodeState, isApplyResult, planChanges } from '../fauna/plan';
import { ACTION_KEYS, type ActionKeySpec } from '../fauna/roles';
import { desiredSchema } from '../fauna/upgrade';
import type { FakeFauna } from './server';

/** Any origin: the fake's fetch answers every `POST /` itself. */
const IN_PROCESS_ENDPOINT = 'http://127.0.0.1:8443';

export type ProjectKeyFlag = ActionKeySpec['flag'];

export interface ProjectSchemaOptions {
  /** An admin key the fake accepts; default `fake.adminSecret`. */
  readonly adminSecret?: string;
  /** The keys to create, by setup:fauna's flag; default none. */
  readonly keys?: readonly ProjectKeyFlag[];
}

export interface AppliedProjectSchema {
  /** How many schema objects the write created or updated (0 when already up to date). */
  readonly changes: number;
  /** The created keys' secrets, by flag. */
  readonly keys: Readonly<Partial<Record<ProjectKeyFlag, string>>>;
}

export async function applyProjectSchema(fake: FakeFauna, options: ProjectSchemaOptions = {}): Promise<AppliedProjectSchema> {
  const admin = createFaunaClient({ faunaSecret: options.adminSecret ?? fake.adminSecret, faunaEndpoint: IN_PROCESS_ENDPOINT }, fake.fetch);
  const wanted = (options.keys ?? []).map((flag) => {
    const spec = ACTION_KEYS.find((key) => key.flag === flag);
    if (spec === undefined) throw new Error(`fauna/roles.ts declares no key for --${flag}`);
    return spec;
  });
  const state = decodeState(await admin.query(buildReadStateQuery(SCHEMA)), SCHEMA);
  const plan = planChanges(desiredSchema(SCHEMA, state, { finalize: false }), state);
  if (!plan.some((entry) => entry.action === 'create' || entry.action === 'update') && wanted.length === 0) {
    return { changes: 0, keys: {} };
  }
  const applied = await admin.query(buildApplyQuery(plan, wanted));
  if (!isApplyResult(applied)) throw new Error('the in-process Fauna answered the schema write with an unexpected result');
  const keys: Partial<Record<ProjectKeyFlag, string>> = {};
  wanted.forEach((spec, i) => {
    keys[spec.flag] = applied.keys[i].secret;
  });
  return { changes: applied.changes, keys };
}
