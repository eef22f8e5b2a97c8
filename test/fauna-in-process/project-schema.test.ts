import { query as q, values } from 'faunadb';
import { buildLoginQuery, type LoginQueryResult } from '../../actions/fauna-login/login-query';
import { USERS_COLLECTION } from '../../actions/lib/schema-names';
import { SCHEMA } from '../../fauna/definitions';
import { applyProjectSchema } from '../../fauna-in-process/project-schema';
import { ADMIN, fakeUnderTest } from './support';

describe('applyProjectSchema', () => {
  it('applies fauna/ SCHEMA as setup:fauna does, once, and makes keys that hold the custom roles', async () => {
    const t = fakeUnderTest();
    const first = await applyProjectSchema(t.fake, { adminSecret: ADMIN, keys: ['create-action-key', 'create-revoke-key'] });
    expect(first.changes).toBe(SCHEMA.length);
    expect(await applyProjectSchema(t.fake, { adminSecret: ADMIN })).toEqual({ changes: 0, keys: {} });

    const loginKey = first.keys['create-action-key'];
    const revokeKey = first.keys['create-revoke-key'];
    if (loginKey === undefined || revokeKey === undefined) throw new Error('keys were not created');
    const keyRoles = t.fake.documents('keys').map((key) => key.data.role);
    expect(keyRoles).toEqual([
      { collection: 'roles', id: 'auth0_fauna_login_action' },
      { collection: 'roles', id: 'auth0_fauna_revoke_action' },
    ]);

    // The login key runs the Action's query; what it mints is a secret under the roles, not a server key.
    const login = await t.query<LoginQueryResult>(loginKey, buildLoginQuery({ auth0UserId: 'auth0|1', clientId: 'web', ttlSeconds: 3600 }));
    const user = await t.query<values.Ref>(login.secret, q.Call(q.Function('current_user')));
    expect(user.collection?.id).toBe(USERS_COLLECTION);
    await t.query(loginKey, buildLoginQuery({ auth0UserId: 'auth0|2', clientId: 'web', ttlSeconds: 3600 }));
    // Listing users is a filtered read: only the caller's own user shows.
    const listed = await t.query<{ data: values.Ref[] }>(login.secret, q.Paginate(q.Documents(q.Collection(USERS_COLLECTION))));
    expect(listed.data.map((ref) => ref.id)).toEqual([user.id]);
    expect(t.fake.documents(USERS_COLLECTION)).toHaveLength(2);
    expect((await t.failure(login.secret, q.Delete(user))).status).toBe(403);
    expect((await t.failure(revokeKey, q.Create(q.Tokens(), { instance: user }))).status).toBe(403);
  });
});
