import { runMaskedCommand, type MaskedCommand } from '../../scripts/masked-command';
import type { ParsedArguments } from '../../scripts/usage-exit';

const ADMIN_KEY = 'fnAE-admin-key-material-0123456789abcdef';

function command(overrides: Partial<MaskedCommand<{ loud: boolean }>> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const spec: MaskedCommand<{ loud: boolean }> = {
    argv: [],
    parse: (argv): ParsedArguments<{ loud: boolean }> =>
      argv.includes('--help') ? { help: true } : argv.includes('--bad') ? { problem: 'no --bad here' } : { options: { loud: argv.includes('--loud') } },
    usage: 'Usage: demo [--loud]',
    io: { env: { FAUNA_ADMIN_SECRET: ADMIN_KEY }, out: (l) => out.push(l), err: (l) => err.push(l) },
    run: async (_options, output) => {
      output.say(`admin key ${ADMIN_KEY}`);
      return 0;
    },
    failureLine: (e, options) => `${options.loud ? 'LOUD' : 'quiet'} failure: ${(e as Error).message}`,
    ...overrides,
  };
  return { spec, out, err };
}

describe('runMaskedCommand: how deploy:tenant and rotate:keys start', () => {
  afterEach(() => {
    delete process.env.AUTH0_LOG;
  });

  it('turns debug logging off before the command runs', async () => {
    process.env.AUTH0_LOG = 'debug';
    let seen: string | undefined = 'unset';
    const { spec } = command({ run: async () => ((seen = process.env.AUTH0_LOG), 0) });
    await expect(runMaskedCommand(spec)).resolves.toBe(0);
    expect(seen).toBeUndefined();
  });

  it('masks every line the command says, and the secrets it learns while running', async () => {
    const minted = 'fnEF-new-key-learned-during-the-run-xyz';
    const { spec, out } = command({
      run: async (_o, output) => {
        output.say(`admin ${ADMIN_KEY}`);
        output.secrets.push(minted);
        output.say(`new ${minted} and its tail ${minted.slice(-12)}`);
        return 0;
      },
    });
    await runMaskedCommand(spec);
    expect(out.join('\n')).not.toContain(ADMIN_KEY.slice(5, 13));
    expect(out.join('\n')).not.toContain(minted.slice(-12));
    expect(out).toEqual(['admin ****', 'new **** and its tail ****']);
  });

  it('prints a thrown error as the command words it, masked, and exits 1', async () => {
    const { spec, err } = command({
      argv: ['--loud'],
      run: async () => {
        throw new Error(`rejected ${ADMIN_KEY}`);
      },
    });
    await expect(runMaskedCommand(spec)).resolves.toBe(1);
    expect(err).toEqual(['LOUD failure: rejected ****']);
  });

  it('ends before running on --help (0) and on a usage problem (2, ERR_USAGE and the usage)', async () => {
    let ran = 0;
    const help = command({ argv: ['--help'], run: async () => ((ran += 1), 0) });
    await expect(runMaskedCommand(help.spec)).resolves.toBe(0);
    expect(help.out).toEqual(['Usage: demo [--loud]']);
    const bad = command({ argv: ['--bad'], run: async () => ((ran += 1), 0) });
    await expect(runMaskedCommand(bad.spec)).resolves.toBe(2);
    expect(bad.err).toEqual(['ERR_USAGE: no --bad here', 'Usage: demo [--loud]']);
    expect(ran).toBe(0);
  });
});
