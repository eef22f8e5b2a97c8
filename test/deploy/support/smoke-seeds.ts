import type { TenantSeed } from './fake-tenant';

/** Tenants for the smoke tests: one healthy, one broken in every way the smoke checks look at. */
export const NAMESPACE = 'https://app.example.com/';
export const MINTED = 'fnMINTED-secret-from-the-test-run-0f9e';
const postLogin = [{ id: 'post-login', version: 'v3' }];
const postChangePassword = [{ id: 'post-change-password', version: 'v2' }];

export const healthy: TenantSeed = {
  actions: [
    { name: 'audit-login', supported_triggers: postLogin },
    { name: 'fauna-login', supported_triggers: postLogin },
    { name: 'revoke-fauna-secrets', supported_triggers: postChangePassword },
  ],
  bindings: {
    'post-login': [{ action_name: 'audit-login' }, { action_name: 'fauna-login' }],
    'post-change-password': [{ action_name: 'revoke-fauna-secrets' }],
  },
  testResult: {
    status: 200,
    body: {
      payload: {
        commands: [
          { name: 'SetCustomClaim', target: 'idToken', key: `${NAMESPACE}fauna_secret`, value: MINTED },
          { name: 'SetCustomClaim', target: 'idToken', key: `${NAMESPACE}fauna_secret_exp`, value: 1767225600 },
        ],
        logs: '',
        stats: { action_duration_ms: 212, boot_duration_ms: 35, network_duration_ms: 180 },
      },
    },
  },
};

export const broken: TenantSeed = {
  actions: [
    { name: 'fauna-login', supported_triggers: postLogin, runtime: 'node18' },
    { name: 'revoke-fauna-secrets', supported_triggers: postChangePassword, deployed: false },
  ],
  bindings: { 'post-login': [] },
  testResult: { status: 200, body: { payload: { error: { id: 'a0-err', msg: 'fauna-login denied the login' }, logs: '' } } },
};

