import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { headerCommit, provenanceProblems, sha256 } from '../../scripts/deploy/bundles';
import { deployInProcess } from './support/deploy-in-process';
import { LOGIN_SECRET_NAMES, REVOKE_SECRET_NAMES, bundle } from './support/deploy-env';

/**
 * What runs is what was tested: the deploy refuses a bundle that is not provably this commit's
 * build (dirty, outside git, another commit, stale sources) unless --allow-dirty, and the dry
 * run compares with the DEPLOYED version, flagging undeployed drafts.
 */
const HEAD = 'abc1234def5678abc1234def5678abc1234def56';
const SOURCE = 'export const x = 1;\n';

/** A checkout with both Actions' sources and bundles stamped `stamp`; their maps record `recorded` as the source. */
function checkout(stamp: string, recorded = SOURCE): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'provenance-checkout-'));
  for (const name of ['fauna-login', 'revoke-fauna-secrets']) {
    fs.mkdirSync(path.join(root, 'actions', name), { recursive: true });
    fs.writeFileSync(path.join(root, 'actions', name, 'index.ts'), SOURCE);
    fs.mkdirSync(path.join(root, 'dist/actions'), { recursive: true });
    const code = `// auth0-fauna ${name} v0.1.0 (${stamp}), faunadb 4.8.2\nexports.handler = async () => {};\n`;
    fs.writeFileSync(path.join(root, 'dist/actions', `${name}.js`), code);
    fs.writeFileSync(
      path.join(root, 'dist/actions', `${name}.js.map`),
      JSON.stringify({ version: 3, sources: [`../../actions/${name}/index.ts`], sourcesContent: [recorded] }),
    );
  }
  return root;
}

async function deployFrom(root: string, args: string[]) {
  try {
    return await deployInProcess(['--skip-build', ...args], { deps: { root, gitHead: () => HEAD } });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

describe('a bundle that is not this commit\'s build', () => {
  it.each([
    ['built from a dirty tree', 'abc1234-dirty', SOURCE, 'fauna-login: built from a tree with uncommitted changes (abc1234-dirty); commit your changes and build again (npm run build), or pass --allow-dirty to deploy it anyway'],
    ['built outside git', 'unknown', SOURCE, 'fauna-login: built outside git, so no commit vouches for it; commit your changes and build again (npm run build), or pass --allow-dirty to deploy it anyway'],
    ['built from another commit', '9999999', SOURCE, 'fauna-login: built from commit 9999999, but the checkout is at abc1234; build again (drop --skip-build), or pass --allow-dirty'],
    ['built from sources changed since', 'abc1234', 'export const x = 0;\n', 'fauna-login: sources changed since the build (actions/fauna-login/index.ts); build again (drop --skip-build), or pass --allow-dirty'],
  ])('%s is refused before anything is sent', async (_name, stamp, recorded, problem) => {
    const run = await deployFrom(checkout(stamp, recorded), []);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^ERR_DEPLOY_PROVENANCE: Refusing to deploy a build that is not this commit:\n/);
    expect(run.stderr).toContain(`  - ${problem}`);
    expect(run.tenant.requests).toEqual([]);
    expect(run.faunaCalls).toBe(0);
  });

  it('is deployed with --allow-dirty, which says why each time', async () => {
    const run = await deployFrom(checkout('abc1234-dirty'), ['--allow-dirty']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Deploying anyway (--allow-dirty): fauna-login: built from a tree with uncommitted changes (abc1234-dirty)');
  });

  it('a clean build of HEAD with unchanged sources goes through without a word', async () => {
    const run = await deployFrom(checkout('abc1234'), []);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).not.toContain('--allow-dirty');
  });
});

describe('provenanceProblems and headerCommit', () => {
  const header = (stamp: string) => `// auth0-fauna fauna-login v0.1.0 (${stamp}), faunadb 4.8.2`;
  it('reads the stamp', () => {
    expect(headerCommit(header('4db18cc'))).toEqual({ commit: '4db18cc', dirty: false });
    expect(headerCommit(header('4db18cc-dirty'))).toEqual({ commit: '4db18cc', dirty: true });
    expect(headerCommit(header('unknown'))).toEqual({ dirty: false });
  });

  it('accepts a short stamp of the full HEAD, and names a checkout outside git', () => {
    expect(provenanceProblems({ action: 'a', header: header('abc1234') }, { head: HEAD, stale: [] })).toEqual([]);
    expect(provenanceProblems({ action: 'a', header: header('abc1234') }, { head: undefined, stale: [] })).toEqual([
      'a: built from abc1234, but this checkout is not a git repository to compare; commit your changes and build again (npm run build), or pass --allow-dirty to deploy it anyway',
    ]);
  });
});

describe('the dry run compares with the deployed version', () => {
  const postLogin = [{ id: 'post-login', version: 'v3' }];
  const postChangePassword = [{ id: 'post-change-password', version: 'v2' }];

  it('says the code is the deployed version\'s when it is, and flags an undeployed draft even then', async () => {
    const run = await deployInProcess(['--skip-build', '--allow-dirty', '--dry-run'], {
      seed: {
        actions: [
          { name: 'fauna-login', supported_triggers: postLogin, code: bundle('fauna-login'), secrets: LOGIN_SECRET_NAMES, draftCode: '// edited in the Dashboard' },
          { name: 'revoke-fauna-secrets', supported_triggers: postChangePassword, code: '// an older build', secrets: REVOKE_SECRET_NAMES },
        ],
        bindings: { 'post-login': [{ action_name: 'fauna-login' }], 'post-change-password': [{ action_name: 'revoke-fauna-secrets' }] },
      },
    });
    expect(run.code).toBe(0);
    const ids = Object.fromEntries(run.tenant.actions.map((a) => [a.name, a.id]));
    expect(run.stdout).toContain(`  fauna-login: update in place (id ${ids['fauna-login']}; code same as deployed version 1), then deploy a new version\n    the tenant holds undeployed changes (a draft) to this Action: this deploy replaces them`);
    expect(run.stdout).toContain(`  revoke-fauna-secrets: update in place (id ${ids['revoke-fauna-secrets']}; code differs from deployed version 1), then deploy a new version\n    secrets sent`);
    expect(run.tenant.writes()).toEqual([]);
    expect(sha256(bundle('fauna-login'))).toMatch(/^[0-9a-f]{64}$/);
  });
});
