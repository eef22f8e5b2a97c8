// The driver picks its HTTP/2 adapter only when no fetch is given; we always give one.
module.exports = function Http2AdapterUnavailable() {
  throw new Error('auth0-fauna: the HTTP/2 adapter is not bundled; pass the global fetch to the Fauna client');
};
