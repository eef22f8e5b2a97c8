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
