/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // .test.tsx: the React entry's tests (a DOM environment, named in each file's docblock).
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
  setupFilesAfterEnv: ['<rootDir>/test/support/no-network.ts'],
  // The deploy tests drive the real auth0-deploy-cli import, which takes ~30 s.
  testTimeout: 20000,
  // Suites that touch the network-free HTTP layer share nock's global state: keep them apart.
  maxWorkers: 2,
};
