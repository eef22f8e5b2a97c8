import fs from 'node:fs';
import path from 'node:path';
import Module, { builtinModules } from 'node:module';
import { staleSources as staleBundleSources } from '../../scripts/deploy/bundles';

export const DIST_DIR = path.resolve(__dirname, '../../dist/actions');

export function bundlePath(action: string): string {
  return path.join(DIST_DIR, `${action}.js`);
}

const REPO_ROOT = path.resolve(__dirname, '../..');

/** The files a built bundle is out of date with (scripts/deploy/bundles.ts, which the deploy runs too). */
export function staleSources(action: string): string[] {
  return staleBundleSources(REPO_ROOT, bundlePath(action));
}

/** Throws when dist/ is not this checkout's build, naming what changed; tests then fail clearly. */
export function assertFreshBundle(action: string): void {
  // Under StrykerJS (mutation/jest.config.js) the sources are instrumented copies that no build
  // can match; dist/ there is the working tree's, already checked by the ordinary run.
  if (process.env.AUTH0_FAUNA_MUTATION_SANDBOX === '1') return;
  const stale = staleSources(action);
  if (stale.length > 0) {
    throw new Error(`dist/actions/${action}.js is not built from this checkout (changed since the build: ${stale.join(', ')}); run npm run build`);
  }
}

export interface LoadedBundle {
  readonly exports: Record<string, unknown>;
  /** Every module id the bundle required while loading. */
  readonly required: readonly string[];
}

const BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/**
 * Loads a built Action the way Auth0 does: a fresh CommonJS module scope, evaluated once, with a
 * `require` that serves only Node built-ins (Auth0 installs nothing we did not declare) and
 * records what was asked for.
 */
export function loadBundle(action: string): LoadedBundle {
  assertFreshBundle(action);
  return loadBundleCode(action, fs.readFileSync(bundlePath(action), 'utf8'));
}

/** loadBundle for code held elsewhere (a version the fake tenant deployed), as if it were dist/'s file. */
export function loadBundleCode(action: string, code: string): LoadedBundle {
  const file = bundlePath(action);
  const required: string[] = [];
  const realRequire = Module.createRequire(file);
  const sandboxRequire = (id: string): unknown => {
    required.push(id);
    if (!BUILTINS.has(id)) throw new Error(`bundle ${action} requires non-built-in module "${id}"`);
    return realRequire(id);
  };
  const module = { exports: {} as Record<string, unknown> };
  // Compiled in the caller's realm (not vm.runInThisContext, which under jest is the outer realm),
  // so the bundle sees the same global fetch and console that nock and the tests see.
  const wrapper = new Function('exports', 'require', 'module', '__filename', '__dirname', `${code}\n//# sourceURL=${file}`);
  wrapper(module.exports, sandboxRequire, module, file, path.dirname(file));
  return { exports: module.exports, required };
}

/** Records what an Action does with the post-login `api`, as Auth0 would apply it. */
export function recordingPostLoginApi() {
  const idTokenClaims: Record<string, unknown> = {};
  const accessTokenClaims: Record<string, unknown> = {};
  const denials: string[] = [];
  /** api.session.revoke / api.refreshToken.revoke calls: each also ends this login, as on Auth0. */
  const revocations: { readonly of: 'session' | 'refresh token'; readonly reason: string }[] = [];
  const api = {
    access: {
      deny(reason: string) {
        denials.push(reason);
        return api;
      },
    },
    idToken: {
      setCustomClaim(name: string, value: unknown) {
        idTokenClaims[name] = value;
        return api;
      },
    },
    accessToken: {
      setCustomClaim(name: string, value: unknown) {
        accessTokenClaims[name] = value;
        return api;
      },
    },
    session: {
      revoke(reason: string) {
        revocations.push({ of: 'session', reason });
      },
    },
    refreshToken: {
      revoke(reason: string) {
        revocations.push({ of: 'refresh token', reason });
      },
    },
  };
  return { api, idTokenClaims, accessTokenClaims, denials, revocations };
}
