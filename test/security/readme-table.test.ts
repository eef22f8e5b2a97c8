import fs from 'node:fs';
import path from 'node:path';
import { SECURITY_CHECKS } from '../../scripts/verify/checks';

// The security model (docs/security-model.md) is the list of checks: every sentence there is a
// check, every check is a sentence there, worded the same (verify:fauna prints the same words).
const doc = fs.readFileSync(path.resolve(__dirname, '../../docs/security-model.md'), 'utf8');
const section = doc.slice(doc.indexOf('## The checks'), doc.indexOf('## Verify it on your server'));
const rows = section.split('\n').filter((line) => /^\| .* \| `[a-z0-9-]+` \| /.test(line));

describe('docs/security-model.md: the table of checks', () => {
  it.each(SECURITY_CHECKS.map((check) => [check.id, check] as const))('has %s with its sentence, run by npm test and verify:fauna', (id, check) => {
    expect(rows).toContain(`| ${check.proves} | \`${id}\` | \`npm test\`, \`verify:fauna\` |`);
  });

  it('names no check that does not exist', () => {
    const ids = rows.map((row) => /\| `([a-z0-9-]+)` \|/.exec(row)?.[1]);
    expect(ids).toEqual(SECURITY_CHECKS.map((check) => check.id));
  });
});
