// The client is always given the runtime's global fetch; the polyfill is never reached.
module.exports = function crossFetchUnavailable() {
  throw new Error('auth0-fauna: cross-fetch is not bundled; pass the global fetch to the Fauna client');
};
