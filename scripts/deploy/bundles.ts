import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ActionSpec } from './tenant-file';

/** Auth0: an Action's code "should not exceed 100 kB", bundled code included. */
export const MAX_BUNDLE_BYTES = 100_000;

export interface CheckedBundle {
  readonly action: string;
  readonly file: string;
  readonly code: string;
  readonly bytes: number;
  /** Hex sha256 of the code as sent: what the deploy prints and smoke:tenant compares. */
  readonly sha256: string;
  /** rollup.config.js's banner: `// auth0-fauna <name> v<version> (<commit>), faunadb <version>`. */
  readonly header: string;
}

export function sha256(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('hex');
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The header line rollup puts first in each bundle (rollup.config.js): package version, the git
 * commit it was built from (`-dirty` when tracked files had uncommitted changes, `unknown`
 * outside git) and the driver's version.
 */
export function bundleHeaderPattern(action: string): RegExp {
  return new RegExp(`^// auth0-fauna ${escapeRegExp(action)} v\\d+\\.\\d+\\.\\d+\\S* \\((?:[0-9a-f]{7,40}(?:-dirty)?|unknown)\\), faunadb \\d+\\.\\d+\\.\\d+$`);
}

/**
 * What auth0-deploy-cli will send as the Action's code, checked: present, within Auth0's size
 * limit, carrying the version header, and free of `##KEY##` / `@@KEY@@` markers for the keywords
 * we map (deploy-cli replaces those in code files too, which would rewrite the bundle).
 */
export function checkBundle(
  root: string,
  action: ActionSpec,
  keywordNames: readonly string[],
): { bundle?: CheckedBundle; problems: string[] } {
  const file = path.resolve(root, action.code);
  const shown = path.relative(root, file);
  if (!fs.existsSync(file)) {
    return { problems: [`${action.name}: bundle ${shown} is missing; run npm run build (or drop --skip-build)`] };
  }
  const code = fs.readFileSync(file, 'utf8');
  const bytes = Buffer.byteLength(code, 'utf8');
  const problems: string[] = [];
  if (bytes > MAX_BUNDLE_BYTES) {
    problems.push(`${action.name}: bundle ${shown} is ${bytes} bytes, over Auth0's ${MAX_BUNDLE_BYTES}-byte limit`);
  }
  const header = code.split('\n', 1)[0] ?? '';
  if (!bundleHeaderPattern(action.name).test(header)) {
    problems.push(`${action.name}: bundle ${shown} lacks its version header line; rebuild it with npm run build`);
  }
  const markers = keywordNames.filter((name) => code.includes(`##${name}##`) || code.includes(`@@${name}@@`));
  if (markers.length > 0) {
    problems.push(
      `${action.name}: bundle ${shown} contains the keyword marker(s) ${markers.join(', ')} that auth0-deploy-cli would replace; change the source so the text does not appear`,
    );
  }
  if (problems.length > 0) return { problems };
  return { bundle: { action: action.name, file, code, bytes, sha256: sha256(code), header }, problems };
}

/** The build stamp in a header: the commit, whether the tree was dirty, or `unknown` outside git. */
export function headerCommit(header: string): { commit?: string; dirty: boolean } {
  const stamp = /\(([0-9a-f]{7,40})(-dirty)?\)/.exec(header);
  return stamp ? { commit: stamp[1], dirty: stamp[2] !== undefined } : { dirty: false };
}

/**
 * The files a built bundle is out of date with. Its sourcemap (`<bundle>.map`) carries every file
 * rollup read (our sources, the driver, the stubs) with its content at build time; any file that
 * differs now, or is gone, means the bundle is not this checkout's build. A missing map counts.
 */
export function staleSources(root: string, bundleFile: string): string[] {
  const mapFile = `${bundleFile}.map`;
  if (!fs.existsSync(mapFile)) return [`${path.relative(root, mapFile)} (missing: run npm run build)`];
  const map = JSON.parse(fs.readFileSync(mapFile, 'utf8')) as { sources?: string[]; sourcesContent?: (string | null)[] };
  const sources = map.sources ?? [];
  if (sources.length === 0) return [`${path.relative(root, mapFile)} (lists no sources)`];
  return sources
    .map((source, i) => ({ file: path.resolve(path.dirname(mapFile), source), built: map.sourcesContent?.[i] }))
    .filter(({ file, built }) => typeof built !== 'string' || !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== built)
    .map(({ file }) => path.relative(root, file));
}

/** `git rev-parse HEAD` of the checkout at `root`; undefined outside git. */
export function checkoutHead(root: string): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return undefined;
  }
}

export interface Provenance {
  /** The checkout's commit (`git rev-parse HEAD`), undefined outside git. */
  readonly head: string | undefined;
  /** Files changed since the bundle was built (staleSources). */
  readonly stale: readonly string[];
}

/**
 * Why this bundle is not provably the build of this checkout's commit: built from a dirty tree,
 * outside git, from another commit, or from sources that changed since. Each says what to do;
 * `--allow-dirty` is the admin's word that it is fine anyway.
 */
export function provenanceProblems(bundle: Pick<CheckedBundle, 'action' | 'header'>, provenance: Provenance): string[] {
  const { commit, dirty } = headerCommit(bundle.header);
  const rebuild = 'commit your changes and build again (npm run build), or pass --allow-dirty to deploy it anyway';
  const problems: string[] = [];
  if (dirty) problems.push(`${bundle.action}: built from a tree with uncommitted changes (${commit}-dirty); ${rebuild}`);
  if (commit === undefined) problems.push(`${bundle.action}: built outside git, so no commit vouches for it; ${rebuild}`);
  else if (provenance.head === undefined) problems.push(`${bundle.action}: built from ${commit}, but this checkout is not a git repository to compare; ${rebuild}`);
  else if (!provenance.head.startsWith(commit)) {
    problems.push(`${bundle.action}: built from commit ${commit}, but the checkout is at ${provenance.head.slice(0, commit.length)}; build again (drop --skip-build), or pass --allow-dirty`);
  }
  if (provenance.stale.length > 0) {
    problems.push(`${bundle.action}: sources changed since the build (${provenance.stale.join(', ')}); build again (drop --skip-build), or pass --allow-dirty`);
  }
  return problems;
}

export interface CheckedBundles {
  /** By Action name: each bundle that passed checkBundle. */
  readonly bundles: Map<string, CheckedBundle>;
  /** Why a bundle cannot be sent at all (checkBundle's problems). */
  readonly problems: readonly string[];
  /** Why a bundle is not provably this checkout's commit (provenanceProblems), for `--allow-dirty` to overrule. */
  readonly provenance: readonly string[];
}

/** checkBundle for each Action, then provenanceProblems against the checkout's `head`: what deploy:tenant and rotate:keys send. */
export function checkBundles(root: string, actions: readonly ActionSpec[], keywordNames: readonly string[], head: string | undefined): CheckedBundles {
  const bundles = new Map<string, CheckedBundle>();
  const problems: string[] = [];
  for (const action of actions) {
    const checked = checkBundle(root, action, keywordNames);
    problems.push(...checked.problems);
    if (checked.bundle) bundles.set(action.name, checked.bundle);
  }
  const provenance = problems.length > 0 ? [] : [...bundles.values()].flatMap((b) => provenanceProblems(b, { head, stale: staleSources(root, b.file) }));
  return { bundles, problems, provenance };
}
