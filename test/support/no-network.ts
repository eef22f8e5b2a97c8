import nock from 'nock';

// Tests never reach the network: anything not mocked fails loudly instead of leaving the machine.
beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  // Also ends delayed replies of requests a test aborted, so no timer outlives the test.
  nock.abortPendingRequests();
  nock.cleanAll();
});

afterAll(() => {
  // Each test file loads its own nock, which patches Node's shared http modules and fetch on
  // import; restoring them at the end lets the next file's nock start from the originals
  // instead of wrapping this one (which kept every file's modules alive in a long-lived worker).
  nock.restore();
});
