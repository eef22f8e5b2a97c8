/**
 * Loaded with `--require` into a script run as a child process: routes that process's Management
 * API traffic (the `auth0` SDK's and auth0-deploy-cli's, both on global fetch) to a FakeTenant
 * seeded from FAKE_TENANT_SEED. Every request is appended to FAKE_TENANT_LOG as it happens; the
 * tenant's final state is written to FAKE_TENANT_STATE_OUT on exit. Nothing reaches the network.
 */
import fs from 'node:fs';
import nock from 'nock';
import { FakeTenant, type TenantSeed } from './fake-tenant';

const seedFile = process.env.FAKE_TENANT_SEED;
const logFile = process.env.FAKE_TENANT_LOG;
const stateFile = process.env.FAKE_TENANT_STATE_OUT;
if (!seedFile || !logFile || !stateFile) {
  throw new Error('fake-tenant-preload needs FAKE_TENANT_SEED, FAKE_TENANT_LOG and FAKE_TENANT_STATE_OUT');
}

nock.disableNetConnect();
const seed = JSON.parse(fs.readFileSync(seedFile, 'utf8')) as TenantSeed;
const tenant = new FakeTenant(seed, (request) => fs.appendFileSync(logFile, `${JSON.stringify(request)}\n`)).install();

process.on('exit', () => {
  const bindings = Object.fromEntries([...tenant.bindings.keys()].map((trigger) => [trigger, tenant.boundNames(trigger)]));
  fs.writeFileSync(stateFile, JSON.stringify({ actions: tenant.actions, bindings }));
});
