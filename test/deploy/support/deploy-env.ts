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

export const SETTINGS_ENV = {
  FAUNA_SECRET: FAUNA_KEY,
  FAUNA_REVOKE_SECRET: REVOKE_KEY,
  FAUNA_ENDPOINT: 'https://fauna.example.com:8443',
  CLAIM_NAMESPACE: 'https://app.example.com/',
  ALLOWED_CLIENT_IDS: 'spa-client-id',
};


export function bundle(action: string): string {
  return fs.readFileSync(path.join(REPO_ROOT, 'dist/actions', `${action}.js`), 'utf8');
}

export function secretsPrinted(output: string): string[] {
  return [FAUNA_KEY, REVOKE_KEY, TEST_CLIENT_SECRET].filter((secret) => output.includes(secret));
}

export function only(requests: readonly RecordedRequest[], method: string, pathPattern: RegExp): RecordedRequest[] {
  return requests.filter((r) => r.method === method && pathPattern.test(r.path));
}
