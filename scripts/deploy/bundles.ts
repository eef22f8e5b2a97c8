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
  /** rollup.config.js's banner: `// auth0-fauna <name> v<version> (<commit>), faunadb <version>`. */
  readonly header: string;
}

function escapeRegExp(text: string): string {
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
  return { bundle: { action: action.name, file, code, bytes, header }, problems };
}
