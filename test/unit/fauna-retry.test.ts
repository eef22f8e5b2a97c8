import { query as q } from 'faunadb';
import nock from 'nock';
import { classifyFaunaError, createFaunaClient, queryWithRetry, type FaunaFailure, type FetchLike } from '../../actions/lib/fauna-client';
import { FaunaQueryError } from '../../actions/lib/errors';
import { TEST_ENDPOINT, TEST_FAUNA_KEY, callErrorBody, errorBody, faunaHeaders, resourceBody } from '../support/fauna-wire';

/**
 * The retry policy on its own: what each failure means, how many attempts a budget buys, and
 * that a hung request is cut at the budget. Time is injected everywhere (a clock, fake timers):
 * nothing here depends on how fast the machine is.
 */

const client = () => createFaunaClient({ faunaSecret: TEST_FAUNA_KEY, faunaEndpoint: TEST_ENDPOINT });

/** What the driver throws for this answer, as classifyFaunaError sees it. */
async function failureFor(reply: (scope: nock.Interceptor) => nock.Scope): Promise<FaunaFailure> {
  reply(nock(TEST_ENDPOINT).post('/'));
  try {
    await client().query(q.Now());
  } catch (err) {
    return classifyFaunaError(err);
  }
  throw new Error('the query was expected to fail');
}

const reply401 = () => nock(TEST_ENDPOINT).post('/').reply(401, errorBody('unauthorized', 'Unauthorized'), faunaHeaders());

const answer = (status: number, code: string) => (i: nock.Interceptor) => i.reply(status, errorBody(code, `${code} (test)`), faunaHeaders());

afterEach(() => nock.cleanAll());

describe('classifyFaunaError: every answer it knows, and one it does not', () => {
  it.each([
    // status, Fauna's code, our code, transient (retried)?
    [400, 'instance not unique', 'ERR_FAUNA_UNAVAILABLE', true],
    [400, 'invalid ref', 'ERR_FAUNA_SCHEMA_MISSING', false],
    [400, 'instance not found', 'ERR_FAUNA_BAD_REQUEST', false],
    [400, 'invalid expression', 'ERR_FAUNA_BAD_REQUEST', false],
    [401, 'unauthorized', 'ERR_FAUNA_UNAUTHORIZED', false],
    [403, 'permission denied', 'ERR_FAUNA_PERMISSION_DENIED', false],
    [404, 'not found', 'ERR_FAUNA_NOT_FOUND', false],
    [409, 'contended transaction', 'ERR_FAUNA_UNAVAILABLE', true],
    [410, 'permission denied', 'ERR_FAUNA_V4_DISABLED', false],
    [429, 'too many requests', 'ERR_FAUNA_UNAVAILABLE', true],
    [500, 'internal server error', 'ERR_FAUNA_UNAVAILABLE', true],
    [502, 'bad gateway', 'ERR_FAUNA_UNAVAILABLE', true],
    [503, 'unavailable', 'ERR_FAUNA_UNAVAILABLE', true],
    [504, 'time out', 'ERR_FAUNA_UNAVAILABLE', true],
    // Not an answer Fauna gives: not retried, and said to be unexpected.
    [418, 'teapot', 'ERR_FAUNA_BAD_REQUEST', false],
  ] as const)('HTTP %i %s -> %s, transient %s', async (status, faunaCode, code, transient) => {
    const failure = await failureFor(answer(status, faunaCode));
    expect(failure).toMatchObject({ code, faunaCode, status, transient });
    expect(failure.hint).not.toBe('');
  });

  it('gives each schema-related 400 its own hint, and an unknown status the endpoint hint', async () => {
    const hints = await Promise.all(
      (['invalid ref', 'instance not found', 'invalid expression'] as const).map(async (code) => (await failureFor(answer(400, code))).hint),
    );
    expect(hints).toEqual([
      expect.stringMatching(/does not exist \(the Actions call login and revoke_user\); run `npm run setup:fauna`/),
      expect.stringMatching(/index is still being built/),
      expect.stringMatching(/schema does not match; run `npm run setup:fauna`/),
    ]);
    expect((await failureFor(answer(418, 'teapot'))).hint).toMatch(/FQL v4 endpoint/);
  });

  it.each([
    // Fauna's cause inside the function, our code, transient (retried)?
    ['instance not unique', 'ERR_FAUNA_UNAVAILABLE', true],
    ['transaction aborted', 'ERR_FAUNA_CALL_ABORTED', false],
    ['permission denied', 'ERR_FAUNA_FUNCTION_DENIED', false],
    ['invalid ref', 'ERR_FAUNA_SCHEMA_MISSING', false],
    ['instance not found', 'ERR_FAUNA_BAD_REQUEST', false],
    ['missing identity', 'ERR_FAUNA_BAD_REQUEST', false],
  ] as const)('400 call error caused by %s -> %s, transient %s: the cause decides, not the wrapper', async (cause, code, transient) => {
    const failure = await failureFor((i) => i.reply(400, callErrorBody(cause, `${cause} (test)`), faunaHeaders()));
    expect(failure).toMatchObject({ code, faunaCode: `call error: ${cause}`, status: 400, transient, description: `${cause} (test)` });
  });

  it("names the function's refusal in the hint (an Abort's message names the argument), and a mis-set role", async () => {
    const aborted = await failureFor((i) => i.reply(400, callErrorBody('transaction aborted', 'invalid login arguments: ttl_seconds must be a whole number'), faunaHeaders()));
    expect(aborted.hint).toMatch(/^the function refused the call \(invalid login arguments: ttl_seconds must be a whole number\); .*npm run setup:fauna/);
    const denied = await failureFor((i) => i.reply(400, callErrorBody('permission denied', 'Insufficient privileges to perform the action.'), faunaHeaders()));
    expect(denied.hint).toMatch(/^a function's own role lacks a privilege/);
  });

  it('reads a call inside a call down to its innermost cause', async () => {
    const nested = JSON.stringify({
      errors: [{ position: [], code: 'call error', description: 'outer', cause: [{ position: ['expr'], code: 'call error', description: 'inner', cause: [{ position: [], code: 'instance not unique', description: 'document is not unique.' }] }] }],
    });
    expect(await failureFor((i) => i.reply(400, nested, faunaHeaders()))).toMatchObject({ faunaCode: 'call error: instance not unique', transient: true });
  });

  it('names the setting the refused key came from', async () => {
    reply401();
    const failure = await client().query(q.Now()).catch((err: unknown) => classifyFaunaError(err, 'FAUNA_ADMIN_SECRET'));
    expect((failure as FaunaFailure).hint).toMatch(/^FAUNA_ADMIN_SECRET is not a valid key/);
    expect((await failureFor(answer(401, 'unauthorized'))).hint).toMatch(/^FAUNA_SECRET is not a valid key/);
  });

  it('names the status when Fauna sends no error code', async () => {
    const failure = await failureFor((i) => i.reply(502, '{"errors":[]}', faunaHeaders()));
    expect(failure).toMatchObject({ faunaCode: 'http 502', status: 502, transient: true });
  });

  it.each([
    ['the driver timeout', { isTimeoutError: true }],
    ['the driver abort', { isAbortError: true }],
    ['a native abort', Object.assign(new Error('aborted'), { name: 'AbortError' })],
  ])('%s is a timeout, not retried', (_name, err) => {
    expect(classifyFaunaError(err)).toMatchObject({ code: 'ERR_FAUNA_TIMEOUT', faunaCode: 'timeout', status: undefined, transient: false });
  });

  it('an empty 200 body (ProtocolError) is retried', async () => {
    const failure = await failureFor((i) => i.reply(200, '', faunaHeaders()));
    expect(failure).toMatchObject({ code: 'ERR_FAUNA_UNAVAILABLE', faunaCode: 'empty response', transient: true });
  });

  it.each([
    ['a connection error', new TypeError('fetch failed')],
    ['something thrown that is not an Error', 'boom'],
    ['null', null],
    ['an object that is not an abort', { isAbortError: 'yes', name: 'Other' }],
  ])('%s is a network error, retried', (_name, err) => {
    expect(classifyFaunaError(err)).toMatchObject({ code: 'ERR_FAUNA_UNAVAILABLE', faunaCode: 'network error', status: undefined, transient: true });
  });
});

describe('queryWithRetry: attempts inside a budget', () => {
  /** A Fauna that always answers 503 and "takes" `costMs` of the injected clock per request. */
  function busyFauna(costMs: number) {
    const clock = { now: 0, requests: 0 };
    nock(TEST_ENDPOINT)
      .post('/')
      .times(10_000)
      .reply(() => {
        clock.requests += 1;
        clock.now += costMs;
        return [503, errorBody('unavailable', 'busy'), faunaHeaders()];
      });
    return clock;
  }

  it('stops at 8 attempts by default, however long the budget', async () => {
    const clock = busyFauna(1);
    const waits: number[] = [];
    await expect(
      queryWithRetry(client(), q.Now(), {
        budgetMs: 24 * 3600 * 1000,
        now: () => clock.now,
        random: () => 1,
        sleep: async (ms) => {
          waits.push(ms);
          clock.now += ms;
        },
      }),
    ).rejects.toMatchObject({ code: 'ERR_FAUNA_UNAVAILABLE', attempts: 8 });
    expect(clock.requests).toBe(8);
    // Exponential, capped at one second.
    expect(waits).toEqual([25, 50, 100, 200, 400, 800, 1000]);
  });

  it('fits exactly the attempts the budget allows, then stops with time to spare', async () => {
    // Each request takes 100 ms of a 1000 ms budget; waits 25, 50, 100, 200 (random = 1).
    // After attempt 5 (t = 875 ms) the next wait (400 ms) would leave under 50 ms: give up.
    const clock = busyFauna(100);
    const waits: number[] = [];
    const retried: number[] = [];
    const failure = await queryWithRetry(client(), q.Now(), {
      budgetMs: 1000,
      now: () => clock.now,
      random: () => 1,
      sleep: async (ms) => {
        waits.push(ms);
        clock.now += ms;
      },
      onRetry: (_failure, attempt) => retried.push(attempt),
    }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(FaunaQueryError);
    expect(failure).toMatchObject({ attempts: 5, status: 503 });
    expect(clock.requests).toBe(5);
    expect(waits).toEqual([25, 50, 100, 200]);
    expect(retried).toEqual([1, 2, 3, 4]);
    expect(clock.now).toBeLessThanOrEqual(1000);
  });

  it('still retries when exactly the minimum attempt time (50 ms) would be left after the wait', async () => {
    // 175 ms budget, the first request takes 100 ms, the wait 25 ms: 50 ms left, enough to try.
    const clock = busyFauna(100);
    await expect(
      queryWithRetry(client(), q.Now(), {
        budgetMs: 175,
        now: () => clock.now,
        random: () => 1,
        sleep: async (ms) => void (clock.now += ms),
      }),
    ).rejects.toMatchObject({ attempts: 2 });
    expect(clock.requests).toBe(2);
  });

  it('does not retry when less than that would be left', async () => {
    const clock = busyFauna(100);
    await expect(
      queryWithRetry(client(), q.Now(), { budgetMs: 174, now: () => clock.now, random: () => 1, sleep: async (ms) => void (clock.now += ms) }),
    ).rejects.toMatchObject({ attempts: 1 });
    expect(clock.requests).toBe(1);
  });

  it('jitters each wait between half and all of the step', async () => {
    const clock = busyFauna(0);
    const waits: number[] = [];
    await queryWithRetry(client(), q.Now(), {
      budgetMs: 60_000,
      maxAttempts: 3,
      now: () => clock.now,
      random: () => 0,
      sleep: async (ms) => void waits.push(ms),
    }).catch(() => undefined);
    expect(waits).toEqual([12.5, 25]);
  });

  it('does not retry what a retry cannot mend', async () => {
    const clock = { requests: 0 };
    nock(TEST_ENDPOINT)
      .post('/')
      .times(5)
      .reply(() => {
        clock.requests += 1;
        return [401, errorBody('unauthorized', 'bad key'), faunaHeaders()];
      });
    await expect(queryWithRetry(client(), q.Now(), { budgetMs: 60_000, sleep: async () => undefined })).rejects.toMatchObject({
      code: 'ERR_FAUNA_UNAUTHORIZED',
      attempts: 1,
    });
    expect(clock.requests).toBe(1);
  });

  it('returns the value and the attempt count on success', async () => {
    nock(TEST_ENDPOINT).post('/').reply(503, errorBody('unavailable', 'busy'), faunaHeaders()).post('/').reply(200, resourceBody(42), faunaHeaders());
    await expect(queryWithRetry(client(), q.Now(), { budgetMs: 60_000, sleep: async () => undefined })).resolves.toEqual({ value: 42, attempts: 2 });
  });
});

describe('queryWithRetry: a hung request', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** A fetch that never answers; it only settles when its signal aborts, as the global fetch does. */
  function hangingFetch() {
    const seen = { calls: 0, abortedAt: undefined as number | undefined };
    const fetchImpl: FetchLike = (_input, init) =>
      new Promise((_resolve, reject) => {
        seen.calls += 1;
        init?.signal?.addEventListener('abort', () => {
          seen.abortedAt = Date.now();
          reject(Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }));
        });
      });
    return { seen, fetchImpl };
  }

  it('is aborted exactly when the budget runs out, and not retried', async () => {
    const { seen, fetchImpl } = hangingFetch();
    const started = Date.now();
    const hung = createFaunaClient({ faunaSecret: TEST_FAUNA_KEY, faunaEndpoint: TEST_ENDPOINT }, fetchImpl);
    const outcome = queryWithRetry(hung, q.Now(), { budgetMs: 5000 }).catch((err: unknown) => err);

    await jest.advanceTimersByTimeAsync(4999);
    expect(seen).toEqual({ calls: 1, abortedAt: undefined });
    await jest.advanceTimersByTimeAsync(1);
    expect(seen.abortedAt).toBe(started + 5000);
    await expect(outcome).resolves.toMatchObject({ code: 'ERR_FAUNA_TIMEOUT', attempts: 1 });
    expect(seen.calls).toBe(1);
  });

  it('leaves no abort timer behind once Fauna has answered', async () => {
    // A timer left armed would hold the Action's instance for the rest of the budget.
    const answering: FetchLike = async () => new Response(resourceBody(42), { status: 200, headers: faunaHeaders() });
    const client = createFaunaClient({ faunaSecret: TEST_FAUNA_KEY, faunaEndpoint: TEST_ENDPOINT }, answering);

    await expect(queryWithRetry(client, q.Now(), { budgetMs: 5000 })).resolves.toEqual({ value: 42, attempts: 1 });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('gives a later attempt only the time left in the budget', async () => {
    const { seen, fetchImpl } = hangingFetch();
    let first = true;
    const flaky: FetchLike = (input, init) => {
      if (first) {
        first = false;
        // The first attempt fails fast after 1 s with a retryable answer.
        return new Promise((resolve) =>
          setTimeout(() => resolve(new Response(errorBody('unavailable', 'busy'), { status: 503, headers: faunaHeaders() })), 1000),
        );
      }
      return fetchImpl(input, init);
    };
    const started = Date.now();
    const outcome = queryWithRetry(createFaunaClient({ faunaSecret: TEST_FAUNA_KEY, faunaEndpoint: TEST_ENDPOINT }, flaky), q.Now(), {
      budgetMs: 5000,
      random: () => 1,
    }).catch((err: unknown) => err);

    await jest.advanceTimersByTimeAsync(1000 + 25); // the failed attempt and its 25 ms wait
    expect(seen.calls).toBe(1);
    await jest.advanceTimersByTimeAsync(5000 - 1025 - 1);
    expect(seen.abortedAt).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    expect(seen.abortedAt).toBe(started + 5000);
    await expect(outcome).resolves.toMatchObject({ code: 'ERR_FAUNA_TIMEOUT', attempts: 2 });
  });
});
