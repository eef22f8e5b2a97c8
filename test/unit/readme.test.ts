import fs from 'node:fs';
import path from 'node:path';
import { SETTINGS } from '../../actions/lib/settings';

const read = (file: string) => fs.readFileSync(path.resolve(__dirname, '../..', file), 'utf8');
const readme = read('README.md');

// The settings table (docs/configuration.md) is what admins configure from: keep it in step with the parser.
describe('docs/configuration.md settings table', () => {
  const configuration = read('docs/configuration.md');
  it.each(Object.entries(SETTINGS))('documents %s with its requirement and default', (name, spec) => {
    const row = configuration.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
    expect(row).toBeDefined();
    const cells = (row ?? '').split('|').map((cell) => cell.trim());
    expect(cells[2]).toBe(spec.required ? 'yes' : 'no');
    if ('defaultValue' in spec) expect(cells[3]).toBe(`\`${spec.defaultValue}\``);
  });

});

describe('README', () => {
  it('gives the test command CI runs', () => {
    expect(readme).toContain('npm ci');
    expect(readme).toContain('npm test');
    expect(fs.readFileSync(path.resolve(__dirname, '../../.ci/run'), 'utf8')).toMatch(/npm ci[^\n]*\n(stage \w+ )?npm test\n/);
  });
});

describe('.env.example', () => {
  const example = fs.readFileSync(path.resolve(__dirname, '../../.env.example'), 'utf8');
  const names = example.split('\n').filter((line) => /^[A-Z0-9_]+=/.test(line)).map((line) => line.split('=')[0]);

  it('lists every Action setting, the Auth0 credentials and the admin key, all empty', () => {
    expect(names).toEqual(expect.arrayContaining([...Object.keys(SETTINGS), 'AUTH0_DOMAIN', 'AUTH0_CLIENT_ID', 'AUTH0_CLIENT_SECRET', 'FAUNA_ADMIN_SECRET']));
    expect(example.split('\n').filter((line) => /^[A-Z0-9_]+=./.test(line))).toEqual([]);
  });
});
