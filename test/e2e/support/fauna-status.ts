import { query as q } from 'faunadb';
import { createFaunaClient } from '../../../actions/lib/fauna-client';

/** Status of a Fauna request made with `secret` straight from the test: 200, 401, … */
export async function faunaStatus(faunaUrl: string, secret: string): Promise<number> {
  const client = createFaunaClient({ faunaEndpoint: faunaUrl, faunaSecret: secret }, fetch);
  try {
    await client.query(q.Call(q.Function('current_user')));
    return 200;
  } catch (err) {
    const status = (err as { requestResult?: { statusCode?: number } }).requestResult?.statusCode;
    if (status === undefined) throw err;
    return status;
  }
}
