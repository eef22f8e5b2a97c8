/**
 * Fauna's FQL v4 wire format, for mocking the server at the HTTP level: what the driver really
 * parses (nested @ref, @ts, `resource`, `errors`, x-txn-time), not a simplified stand-in.
 */
export const TEST_ENDPOINT = 'https://fauna.test:8443';
export const TEST_FAUNA_KEY = 'fnTEST_ACTION_KEY_do_not_log_0123456789';

export type WireValue = unknown;

export function collectionRef(name: string): WireValue {
  return { '@ref': { id: name, collection: { '@ref': { id: 'collections' } } } };
}

export function documentRef(collection: string, id: string): WireValue {
  return { '@ref': { id, collection: collectionRef(collection) } };
}

export function tokenRef(id: string): WireValue {
  return { '@ref': { id, collection: { '@ref': { id: 'tokens' } } } };
}

/** A time as the core renders it (Instant.toString): no fraction when the milliseconds are zero. */
export function wireTime(date: Date): WireValue {
  return { '@ts': date.toISOString().replace(/\.000Z$/, 'Z') };
}

/** Headers Fauna sends with every answer. */
export function faunaHeaders(txnTimeMicros = Date.now() * 1000): Record<string, string> {
  return { 'content-type': 'application/json;charset=utf-8', 'x-txn-time': String(txnTimeMicros) };
}

export function resourceBody(resource: WireValue): string {
  return JSON.stringify({ resource });
}

export function errorBody(code: string, description: string, position: (string | number)[] = []): string {
  return JSON.stringify({ errors: [{ position, code, description }] });
}

/** A failure inside a function body, as the core nests it: 400 `call error` with the real error as `cause`. */
export function callErrorBody(code: string, description: string): string {
  return JSON.stringify({
    errors: [{ position: [], code: 'call error', description: 'Calling the function resulted in an error.', cause: [{ position: ['expr'], code, description }] }],
  });
}

/** Decodes the `@`-tagged JSON the driver sends, keeping tags so tests can assert on them. */
export function parseRequestBody(body: unknown): unknown {
  return typeof body === 'string' ? JSON.parse(body) : body;
}

/** Every value in the request JSON whose key is `key`, depth-first: handy for finding FQL calls. */
export function findCalls(tree: unknown, key: string): unknown[] {
  const found: unknown[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === key) found.push(v);
        walk(v);
      }
    }
  };
  walk(tree);
  return found;
}
