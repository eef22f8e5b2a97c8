import path from 'node:path';
import { build } from 'esbuild';

// The helper runs in the app's page: it must bundle for the browser with nothing from Node.
describe('client/ in a browser bundle', () => {
  it('bundles with esbuild for the browser, faunadb included, without Node built-ins', async () => {
    const result = await build({
      entryPoints: [path.resolve(__dirname, '../../client/index.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      minify: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.includes('node_modules/faunadb/'))).toBe(true);
    // Nothing from Node, none of the Action's own code (only the claim names it shares).
    expect(inputs.filter((input) => /^node:|actions\/fauna-login\/(index|login-query|mint)|fauna-in-process/.test(input))).toEqual([]);
    const code = result.outputFiles[0]?.text ?? '';
    expect(code).toMatch(/export\{[^}]*FaunaSession/);
    expect(code).not.toMatch(/require\("(node:)?(http2?|https|net|tls|fs)"\)/);
  });
});
