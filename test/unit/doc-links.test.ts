import fs from 'node:fs';
import path from 'node:path';

// Every relative link of README.md and docs/ must reach a file that exists and, when it names a
// #heading, a heading there (GitHub's slugs): the reference moved into docs/ and must stay reachable.
const ROOT = path.resolve(__dirname, '../..');
const pages = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** GitHub's heading anchor: lower case, punctuation but '-' and '_' dropped, spaces to '-'. */
function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = fs.readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set(text.split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => githubSlug(l.replace(/^#+ /, ''))));
}

function linksOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((href) => !/^[a-z]+:/i.test(href));
}

describe('relative links in README.md and docs/', () => {
  it('finds the pages and their links', () => {
    expect(pages).toContain('docs/security-model.md');
    expect(linksOf(path.join(ROOT, 'README.md')).length).toBeGreaterThan(5);
  });

  it.each(pages)('%s: every relative link resolves', (page) => {
    const from = path.join(ROOT, page);
    const broken = linksOf(from).filter((href) => {
      const [target, anchor] = href.split('#');
      const file = target === '' ? from : path.resolve(path.dirname(from), target);
      if (!fs.existsSync(file)) return true;
      return anchor !== undefined && file.endsWith('.md') && !anchorsOf(file).has(anchor);
    });
    expect(broken).toEqual([]);
  });

  it('slugs headings as GitHub does', () => {
    expect(githubSlug("The Actions' keys")).toBe('the-actions-keys');
    expect(githubSlug('Verify it on your server: `npm run verify:fauna`')).toBe('verify-it-on-your-server-npm-run-verifyfauna');
    expect(githubSlug('Moving from an Auth0 Rule')).toBe('moving-from-an-auth0-rule');
  });
});
