import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Runs `use` on a throwaway checkout holding only `files` (path -> content), then removes it. */
export function withCheckout(files: Readonly<Record<string, string>>, use: (root: string) => void): void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'deployable-'));
  try {
    for (const [file, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), content);
    }
    use(root);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
