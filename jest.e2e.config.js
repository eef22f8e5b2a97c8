/**
 * `npm run test:e2e`: the example app and the dev login, end to end (headless Chromium for the
 * browser suite). Separate from `npm test` (whose testMatch is *.test.ts): these start
 * `npm run dev` and a browser, and talk to them over loopback HTTP.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.e2e.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
    // jose is ESM-only; jest on Node 20 cannot require() ESM, so it is compiled to CommonJS here.
    '^.+/node_modules/jose/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022' }, diagnostics: false }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  testTimeout: 120000,
  // One browser and a few dev servers at a time on a 2-core machine.
  maxWorkers: 1,
};
