// faunadb's index.js merges all ~200 FQL functions into one object, which keeps every one of them
// in a bundle. This is the same surface (same modules, same names) as ES exports, so rollup keeps
// only what an Action imports. Actions' `import … from 'faunadb'` resolves here (build/rollup-faunadb.js).
import Client from 'faunadb/src/Client.js';
import Expr from 'faunadb/src/Expr.js';
import PageHelper from 'faunadb/src/PageHelper.js';
import RequestResult from 'faunadb/src/RequestResult.js';
import clientLogger from 'faunadb/src/clientLogger.js';
import errors from 'faunadb/src/errors.js';
import values from 'faunadb/src/values.js';
import json from 'faunadb/src/_json.js';
import * as query from 'faunadb/src/query.js';
// The driver as a default import too (`import faunadb from 'faunadb'`, the form Node's ESM loader
// accepts for a CommonJS module): this module's own namespace, so `faunadb.Client` stays a static
// member access that rollup resolves and tree-shakes.
import * as driver from './faunadb-index.mjs';

export const parseJSON = json.parseJSON;
export { Client, Expr, PageHelper, RequestResult, clientLogger, errors, values, query };
export * from 'faunadb/src/query.js';
export default driver;
