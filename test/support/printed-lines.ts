/**
 * Captures what each test prints to the console, and after each test fails it when a line
 * contains one of the values `forbidden()` names (Fauna keys, minted secrets).
 */
export function capturePrintedLines(forbidden: () => readonly string[]): { readonly lines: string[] } {
  const captured = { lines: [] as string[] };
  beforeEach(() => {
    captured.lines.length = 0;
    for (const method of ['log', 'info', 'warn', 'error'] as const) {
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void captured.lines.push(args.map(String).join(' ')));
    }
  });
  afterEach(() => {
    jest.restoreAllMocks();
    for (const line of captured.lines) for (const value of forbidden()) expect(line).not.toContain(value);
  });
  return captured;
}
