/**
 * The DOM environment of the React entry's tests (`@jest-environment ./test/support/jsdom-environment.js`
 * in a test file's docblock): jest-environment-jsdom, plus the few Node globals jsdom lacks that
 * the tests' own tools use (nock needs TextEncoder; the in-process Fauna answers with fetch's
 * Response), and package exports resolved as Node's (nock's interceptors, not their browser
 * build). BroadcastChannel stays absent, as jsdom has it: a test that wants one installs it.
 */
const { TestEnvironment } = require('jest-environment-jsdom');

const FROM_NODE = ['TextEncoder', 'TextDecoder', 'TextEncoderStream', 'TextDecoderStream', 'ReadableStream', 'WritableStream', 'TransformStream', 'fetch', 'Request', 'Response', 'Headers', 'FormData', 'Blob', 'structuredClone', 'setImmediate', 'clearImmediate'];

class JsdomWithNodeGlobals extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.customExportConditions = ['node', 'node-addons'];
    for (const name of FROM_NODE) if (this.global[name] === undefined) this.global[name] = globalThis[name];
  }
}

module.exports = JsdomWithNodeGlobals;
