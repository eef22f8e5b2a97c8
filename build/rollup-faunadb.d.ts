// Types for ./rollup-faunadb.js (CommonJS, loaded by rollup.config.js without a compile step).
import type { Plugin } from 'rollup';

/** What a driver file asks for -> the stand-in's file name in STUBS_DIR. */
export declare const STUBS: Readonly<Record<string, string>>;
/** build/stubs */
export declare const STUBS_DIR: string;

export declare function faunadbStubs(options?: { readonly stubsDir?: string }): Plugin;
/** `srcDir`: the driver's src folder (default: node_modules/faunadb/src). */
export declare function faunadbAsEsm(options?: { readonly srcDir?: string }): Plugin;

/** ESTree nodes as rollup's parser gives them; only the shapes these helpers look at. */
export declare function requiredSource(node: unknown): string | undefined;
export declare function moduleExportsValue(node: unknown): unknown;
