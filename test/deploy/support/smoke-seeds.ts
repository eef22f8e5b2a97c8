import type { TenantSeed } from './fake-tenant';
import { bundle } from './deploy-env';

/** Tenants for the smoke tests: one healthy (running this checkout's build), one broken in every way the smoke checks look at. */
export const NAMESPACE = 'https://app.example.com/';
export const MINTED = 'fnMINTED-secret-from-the-test-run-0f9e';
const postLogin = [{ id: 'post-login', version: 'v3' }];
const postChangePassword = [{ id: 'post-change-password', version: 'v2' }];

export const LOGIN_RUN = {
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
};

/** The revoke Action's test run for the smoke user, as its log line (actions/revoke-fauna-secrets) reads. */
export const REVOKE_RUN = {
  status: 200,
  body: {
    payload: {
      logs: '[revoke-fauna-secrets] revoked 1 Fauna secret(s) of auth0|auth0-fauna-smoke-test (1 login(s), 1 query)\n',
      stats: { action_duration_ms: 98, boot_duration_ms: 30, network_duration_ms: 60 },
    },
  },
};

export const healthy: TenantSeed = {
  actions: [
    { name: 'audit-login', supported_triggers: postLogin },
    { name: 'fauna-login', supported_triggers: postLogin, code: bundle('fauna-login') },
    { name: 'revoke-fauna-secrets', supported_triggers: postChangePassword, code: bundle('revoke-fauna-secrets') },
  ],
  bindings: {
    'post-login': [{ action_name: 'audit-login' }, { action_name: 'fauna-login' }],
    'post-change-password': [{ action_name: 'revoke-fauna-secrets' }],
  },
  testResults: { 'fauna-login': LOGIN_RUN, 'revoke-fauna-secrets': REVOKE_RUN },
};

export const broken: TenantSeed = {
  actions: [
    { name: 'fauna-login', supported_triggers: postLogin, runtime: 'node18' },
    { name: 'revoke-fauna-secrets', supported_triggers: postChangePassword, deployed: false },
  ],
  bindings: { 'post-login': [] },
  testResults: { 'fauna-login': { status: 200, body: { payload: { error: { id: 'a0-err', msg: 'fauna-login denied the login' }, logs: '' } } } },
};
