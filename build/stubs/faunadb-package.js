// The two fields the driver reads from its package.json (request headers), without the rest.
module.exports = { version: '4.8.2', apiVersion: '4' };
