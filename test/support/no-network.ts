import nock from 'nock';

// Tests never reach the network: anything not mocked fails loudly instead of leaving the machine.
beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
});
