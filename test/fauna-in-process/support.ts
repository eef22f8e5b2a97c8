import { Client, errors as faunaErrors, type ClientConfig, type Expr } from 'faunadb';
import { FakeFauna, type FakeFaunaOptions } from '../../fauna-in-process';
import { TEST_ENDPOINT } from '../support/fauna-wire';

export const ADMIN = 'fnADMIN_KEY_for_fake_tests';
export const SERVER = 'fnSERVER_KEY_for_fake_tests';
export const START = Date.UTC(2030, 0, 1, 12, 0, 0);

export interface WireError {
  readonly position?: (string | number)[];
  readonly code: string;
  readonly description: string;
  readonly cause?: WireError[];
  readonly failures?: unknown[];
}

export interface FakeUnderTest {
  readonly fake: FakeFauna;
  /** The fake's clock, epoch ms. */
  now(): number;
  advance(ms: number): void;
  client(secret: string): Client;
  query<T = unknown>(secret: string, expr: Expr): Promise<T>;
  /** The HTTP answer as sent: status and the parsed body (`{resource}` or `{errors}`), for wire assertions. */
  answer(secret: string, expr: Expr | unknown): Promise<{ status: number; body: { resource?: unknown; errors?: WireError[] } }>;
  /** The HTTP answer the driver got for a failed query: status and the first error. */
  failure(secret: string, expr: Expr): Promise<{ status: number; code: string; description: string; position?: unknown; cause?: unknown; failures?: unknown }>;
}

/** A fake with an admin and a server key and a clock that moves only when told. */
export function fakeUnderTest(options: Omit<FakeFaunaOptions, 'now' | 'secrets'> = {}): FakeUnderTest {
  let clock = START;
  const fake = new FakeFauna({ ...options, now: () => clock, secrets: { [ADMIN]: 'admin', [SERVER]: 'server' } });
  const client = (secret: string) =>
    new Client({ secret, endpoint: TEST_ENDPOINT, fetch: fake.fetch as unknown as ClientConfig['fetch'], checkNewVersion: false });
  return {
    fake,
    now: () => clock,
    advance: (ms) => {
      clock += ms;
    },
    client,
    query: <T>(secret: string, expr: Expr) => client(secret).query<T>(expr),
    answer: async (secret, expr) => {
      const response = await fake.handle({ body: JSON.stringify(expr), authorization: `Bearer ${secret}` });
      return { status: response.status, body: JSON.parse(response.body) as { resource?: unknown; errors?: WireError[] } };
    },
    failure: async (secret, expr) => {
      try {
        await client(secret).query(expr);
      } catch (err) {
        if (!(err instanceof faunaErrors.FaunaHTTPError)) throw err;
        const [first] = (JSON.parse(err.requestResult.responseRaw) as { errors: { code: string; description: string }[] }).errors;
        return { status: err.requestResult.statusCode, ...first };
      }
      throw new Error('query succeeded but was expected to fail');
    },
  };
}
