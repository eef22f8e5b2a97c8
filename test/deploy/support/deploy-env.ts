import fs from 'node:fs';
import path from 'node:path';
import type { RecordedRequest } from './fake-tenant';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_DOMAIN } from './fake-tenant';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
/** A quote in the key proves values survive tenant.yaml's quoting exactly. */
export const FAUNA_KEY = "fnDEPLOY'test-key-never-printed-91c2";
/** The revoke Action's own key: a different value proves each Action gets its own. */
export const REVOKE_KEY = 'fnDEPLOY-revoke-key-never-printed-5e0a';

export const CREDENTIALS = {
  AUTH0_DOMAIN: TEST_DOMAIN,
  AUTH0_CLIENT_ID: TEST_CLIENT_ID,
  AUTH0_CLIENT_SECRET: TEST_CLIENT_SECRET,
};

export const FAUNA_ENDPOINT = 'https://fauna.example.com:8443';

export const SETTINGS_ENV = {
  FAUNA_SECRET: FAUNA_KEY,
  FAUNA_REVOKE_SECRET: REVOKE_KEY,
  FAUNA_ENDPOINT,
  CLAIM_NAMESPACE: 'https://app.example.com/',
  ALLOWED_CLIENT_IDS: 'client-a, client-b',
};

/** The secrets each Action gets from SETTINGS_ENV, by name (a tenant seeded with these loses none). */
export const LOGIN_SECRET_NAMES = ['FAUNA_SECRET', 'FAUNA_ENDPOINT', 'CLAIM_NAMESPACE', 'ALLOWED_CLIENT_IDS'];
export const REVOKE_SECRET_NAMES = ['FAUNA_SECRET', 'FAUNA_ENDPOINT'];


export function bundle(action: string): string {
  return fs.readFileSync(path.join(REPO_ROOT, 'dist/actions', `${action}.js`), 'utf8');
}

/** Each secret of the test environment that appears in `output`, whole or as any 8-character piece. */
export function secretsPrinted(output: string): string[] {
  const pieces = (secret: string) => Array.from({ length: secret.length - 7 }, (_, i) => secret.slice(i, i + 8));
  return [FAUNA_KEY, REVOKE_KEY, TEST_CLIENT_SECRET].filter((secret) => pieces(secret).some((piece) => output.includes(piece)));
}

export function only(requests: readonly RecordedRequest[], method: string, pathPattern: RegExp): RecordedRequest[] {
  return requests.filter((r) => r.method === method && pathPattern.test(r.path));
}
