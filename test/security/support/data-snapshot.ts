import type { FakeFauna } from '../../../fauna-in-process';
import { AUTH0_JWT_COLLECTION, USERS_COLLECTION } from '../../../actions/lib/schema-names';
import { APP_COLLECTIONS } from '../../../fauna/app-data';

/** Every live document, token and key of the fake: what "left as it was found" compares. */
export function dataSnapshot(fake: FakeFauna): Record<string, unknown> {
  const collections = [USERS_COLLECTION, AUTH0_JWT_COLLECTION, ...APP_COLLECTIONS.map((c) => c.name), 'keys'];
  return {
    ...Object.fromEntries(collections.map((name) => [name, fake.documents(name)])),
    tokens: fake.tokens(),
  };
}
