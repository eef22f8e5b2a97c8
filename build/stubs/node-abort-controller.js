// Node 18+ has AbortController built in.
module.exports = { AbortController: globalThis.AbortController };
