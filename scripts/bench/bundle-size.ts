import fs from 'node:fs';
import zlib from 'node:zlib';

export interface BundleSize {
  readonly raw: number;
  readonly gzip: number;
}

/** Bytes on disk (what Auth0's 100 kB limit counts) and gzip at zlib's default level. */
export function measureBundleSize(file: string): BundleSize {
  const code = fs.readFileSync(file);
  return { raw: code.byteLength, gzip: zlib.gzipSync(code).byteLength };
}
