import fs from 'node:fs';
import path from 'node:path';
import {
  README_BENCH_END,
  README_BENCH_START,
  renderReadmeSummary,
  renderResults,
  withReadmeSummary,
  type BenchFigures,
} from '../../scripts/bench/results-table';

// `npm run bench` writes bench/results.json and renders both reports from it: they show one run.
const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const figures = JSON.parse(read('bench/results.json')) as BenchFigures;

describe('benchmark figures: one run, two reports', () => {
  it('bench/RESULTS.md is what bench/results.json renders to', () => {
    expect(read('bench/RESULTS.md')).toBe(renderResults(figures));
  });

  it("docs/benchmarks.md's table is what the same figures render to", () => {
    const readme = read('docs/benchmarks.md');
    expect(readme).toContain(README_BENCH_START);
    expect(withReadmeSummary(readme, renderReadmeSummary(figures))).toBe(readme);
  });

  it("shows the login bundle's cold load on Node 22, Auth0's runtime, next to the bench's own Node", () => {
    expect('measured' in figures.auth0RuntimeColdLoad).toBe(true);
    if (!('measured' in figures.auth0RuntimeColdLoad)) return;
    const onNode22 = figures.auth0RuntimeColdLoad.measured;
    const login = figures.bundles.find((b) => b.name === 'fauna-login');
    expect(onNode22.node).toMatch(/^v22\./);
    expect(login?.coldLoad.node).toBe(figures.machine.node);
    expect(onNode22.built.n).toBe(figures.coldLoadProcesses);
    const results = read('bench/RESULTS.md');
    expect(results).toContain(`| Node ${onNode22.node} |`);
    expect(results).toContain(`| Node ${figures.machine.node} |`);
  });

  it('refuses a README that lost its markers, naming them', () => {
    expect(() => withReadmeSummary('# no table here\n', 'x')).toThrow(README_BENCH_END);
  });
});
