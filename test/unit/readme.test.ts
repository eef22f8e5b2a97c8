import fs from 'node:fs';
import path from 'node:path';
import { SETTINGS } from '../../actions/lib/settings';

// The README's settings table is what admins configure from: keep it in step with the parser.
const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');

describe('README settings table', () => {
  it.each(Object.entries(SETTINGS))('documents %s with its requirement and default', (name, spec) => {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
    expect(row).toBeDefined();
    const cells = (row ?? '').split('|').map((cell) => cell.trim());
    expect(cells[2]).toBe(spec.required ? 'yes' : 'no');
    if ('defaultValue' in spec) expect(cells[3]).toBe(`\`${spec.defaultValue}\``);
  });

  it('gives the test command CI runs', () => {
    expect(readme).toContain('npm ci');
    expect(readme).toContain('npm test');
    expect(fs.readFileSync(path.resolve(__dirname, '../../.ci/run'), 'utf8')).toMatch(/npm ci[^\n]*\nnpm test/);
  });
});
