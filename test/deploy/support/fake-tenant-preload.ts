/**
 * Loaded with `--require` into a script run as a child process: routes that process's Management
 * API traffic (the `auth0` SDK's and auth0-deploy-cli's, both on global fetch) to a FakeTenant
 * seeded from FAKE_TENANT_SEED, and its Fauna traffic (the deploy's preflight) to an in-process
 * Fauna in the state FAKE_FAUNA_STATE names (support/preflight-fauna.ts), where the environment's
 * FAUNA_SECRET and FAUNA_REVOKE_SECRET stand for its keys. Every Management API request is appended
 * to FAKE_TENANT_LOG as it happens; the tenant's final state is written to FAKE_TENANT_STATE_OUT on
 * exit. Nothing reaches the network.
 */
import fs from 'node:fs';
import nock from 'nock';
import { readEnvironment } from '../../../scripts/environment';
import { FakeTenant, type TenantSeed } from './fake-tenant';
import { preflightFauna, type PreflightFaunaState } from './preflight-fauna';

const seedFile = process.env.FAKE_TENANT_SEED;
const logFile = process.env.FAKE_TENANT_LOG;
const stateFile = process.env.FAKE_TENANT_STATE_OUT;
if (!seedFile || !logFile || !stateFile) {
  throw new Error('fake-tenant-preload needs FAKE_TENANT_SEED, FAKE_TENANT_LOG and FAKE_TENANT_STATE_OUT');
}

nock.disableNetConnect();
const seed = JSON.parse(fs.readFileSync(seedFile, 'utf8')) as TenantSeed;
const tenant = new FakeTenant(seed, (request) => fs.appendFileSync(logFile, `${JSON.stringify(request)}\n`)).install();

// The settings as the script will read them: .env in its working directory, then the environment.
const env = readEnvironment(process.cwd(), process.env, { warn: () => undefined });
const endpoint = env.FAUNA_ENDPOINT?.trim();
if (endpoint) {
  const fauna = preflightFauna((process.env.FAKE_FAUNA_STATE ?? 'ready') as PreflightFaunaState, {
    login: env.FAUNA_SECRET?.trim() ?? '',
    revoke: env.FAUNA_REVOKE_SECRET?.trim() ?? '',
  });
  nock(endpoint)
    .persist()
    .post('/')
    .reply(async function reply(_uri, body) {
      const response = await (await fauna).fetch(`${endpoint}/`, {
        method: 'POST',
        headers: { authorization: String(this.req.headers.authorization ?? '') },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return [response.status, await response.text(), { 'content-type': 'application/json;charset=utf-8', 'x-txn-time': response.headers.get('x-txn-time') ?? '0' }] as const;
    });
}

process.on('exit', () => {
  const bindings = Object.fromEntries([...tenant.bindings.keys()].map((trigger) => [trigger, tenant.boundNames(trigger)]));
  fs.writeFileSync(stateFile, JSON.stringify({ actions: tenant.actions, bindings, ended: tenant.ended }));
});
