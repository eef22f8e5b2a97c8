/**
 * The server-side example (examples/server, `npm run dev -- --server`) in headless Chromium. The
 * test runs the Fauna itself (the in-process one, over loopback HTTP, handed to npm run dev as
 * FAUNA_ENDPOINT), so it sees every secret the login Action mints and every secret the server
 * sends; and it records every response the browser receives in the whole flow (status, headers
 * with Location and Set-Cookie, body) and the cookies it holds. Then: no secret anywhere in them,
 * the session cookie encrypted, HttpOnly, SameSite=Lax; bob cannot read alice's note; the secret is
 * renewed on the server before it expires; logout ends it (401) and puts no ID token in any URL.
 */
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { FakeFauna } from '../../fauna-in-process';
import { serveInProcessFauna, type ServedFauna } from '../../fauna-in-process/http';
import { applyProjectSchema } from '../../fauna-in-process/project-schema';
import { launchChromium, recordLoginPageVisits, screenshot } from './support/browser';
import { faunaStatus } from './support/fauna-status';
import { logInThroughPage } from './support/log-in';
import { startDevProcess, type DevProcess } from './support/dev-process';

const TTL_SECONDS = 60;
// Capped by the helper at half the lifetime: the server renews ~30 s after the login.
const RENEW_BEFORE_MS = 50_000;
const ALICE = 'Alice Liddell';
const BOB = 'Bob Dylan';
const ALICE_NOTE = 'Server-side note (written by alice)';

/** The test's own Fauna: every bearer it is sent and every token secret it hands out. */
interface WatchedFauna {
  readonly url: string;
  readonly loginKey: string;
  /** Secrets other than the two keys, in the order first seen (minted or used). */
  readonly secrets: string[];
  close(): Promise<void>;
}

async function startWatchedFauna(): Promise<WatchedFauna> {
  const adminKey = `fnE2E_ADMIN_${randomBytes(16).toString('base64url')}`;
  const fake = new FakeFauna({ secrets: { [adminKey]: 'admin' }, tokenCacheMs: 10_000 });
  const { keys } = await applyProjectSchema(fake, { adminSecret: adminKey, keys: ['create-action-key'] });
  const loginKey = keys['create-action-key'] as string;
  const secrets: string[] = [];
  const note = (secret: string | undefined) => {
    if (secret !== undefined && secret !== adminKey && secret !== loginKey && !secrets.includes(secret)) secrets.push(secret);
  };
  const handle = fake.handle.bind(fake);
  fake.handle = async (request) => {
    note(/^Bearer (.+)$/.exec(request.authorization ?? '')?.[1]);
    const response = await handle(request);
    // The login Action's transaction answers with the new token's secret.
    for (const match of response.body.matchAll(/"secret":"([^"]+)"/g)) note(match[1]);
    return response;
  };
  const served: ServedFauna = await serveInProcessFauna(fake);
  return { url: served.url, loginKey, secrets, close: served.close };
}

interface Recorded {
  readonly url: string;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Every response the context's pages receive, redirects included (their bodies are not readable). */
function recordResponses(context: BrowserContext): { readonly all: () => Promise<Recorded[]> } {
  const pending: Promise<Recorded>[] = [];
  context.on('response', (response: Response) => {
    pending.push(
      (async () => ({
        url: response.url(),
        status: response.status(),
        headers: await response.allHeaders(),
        body: await response.body().then(
          (b) => b.toString('utf8'),
          () => '',
        ),
      }))(),
    );
  });
  return { all: () => Promise.all(pending) };
}

/** Every JWT-shaped string in `text`, its payload decoded. */
function jwtPayloads(text: string): string[] {
  return [...text.matchAll(/eyJ[\w-]+\.([\w-]+)\.[\w-]*/g)].map((m) => Buffer.from(m[1], 'base64url').toString('utf8'));
}

/** A call to the example's JSON API from the page, as the app's own script would make it. */
function api(page: Page, path: string, init: { method?: string; body?: unknown; csrf?: boolean } = {}): Promise<{ status: number; json: unknown }> {
  return page.evaluate(
    async ({ path: p, method, body, csrf }) => {
      const token = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (csrf) headers['x-csrf-token'] = token;
      const response = await fetch(p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: response.status, json: await response.json().catch(() => null) };
    },
    { path, method: init.method ?? 'GET', body: init.body, csrf: init.csrf ?? false },
  );
}

describe('the server-side example in a real browser: the secret stays on the server', () => {
  let fauna: WatchedFauna;
  let dev: DevProcess;
  let serverUrl: string;
  let browser: Browser;
  let alice: BrowserContext;
  let bob: BrowserContext;
  let page: Page;
  let aliceResponses: ReturnType<typeof recordResponses>;
  let bobResponses: ReturnType<typeof recordResponses>;
  let loginPageVisits: string[];
  const aliceSecrets: string[] = [];
  const bobSecrets: string[] = [];
  let aliceNoteId: string;

  const newSecretsSince = (count: number) => fauna.secrets.slice(count);

  beforeAll(async () => {
    fauna = await startWatchedFauna();
    browser = await launchChromium();
    dev = await startDevProcess(
      { DEV_USE_CONFIGURED_FAUNA: '1', FAUNA_ENDPOINT: fauna.url, FAUNA_SECRET: fauna.loginKey, FAUNA_SECRET_TTL: String(TTL_SECONDS), DEV_RENEW_BEFORE_MS: String(RENEW_BEFORE_MS) },
      60_000,
      ['--server'],
    );
    serverUrl = dev.serverUrl as string;
    alice = await browser.newContext({ viewport: { width: 900, height: 700 } });
    bob = await browser.newContext({ viewport: { width: 900, height: 700 } });
    aliceResponses = recordResponses(alice);
    bobResponses = recordResponses(bob);
    page = await alice.newPage();
    loginPageVisits = recordLoginPageVisits(page, dev.loginUrl);
  });
  afterAll(async () => {
    await browser?.close();
    const code = await dev?.stop();
    await fauna?.close();
    expect(code).toBe(0);
  });

  it('alice logs in through the login page; the server shows her name from Fauna; her cookie is sealed', async () => {
    const before = fauna.secrets.length;
    const elapsed = await logInThroughPage(page, serverUrl, 'alice', ALICE);
    console.log(`e2e (server): "Log in" click -> name from Fauna shown: ${elapsed} ms (login page included)`);
    aliceSecrets.push(...newSecretsSince(before));
    expect(aliceSecrets).toHaveLength(1);
    expect(new URL(page.url()).origin).toBe(serverUrl);
    const expiry = Number(await page.getByTestId('secret-expiry').getAttribute('data-expires-at'));
    expect(expiry).toBeGreaterThan(Date.now() + (TTL_SECONDS - 15) * 1000);

    const cookie = (await alice.cookies(serverUrl)).find((c) => c.name === 'appSession');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false });
    // A JWE (five dot-separated parts), not a readable token.
    expect(cookie?.value.split('.')).toHaveLength(5);
    expect(await page.evaluate(() => document.cookie)).not.toContain('appSession');
    const setCookie = (await aliceResponses.all()).filter((r) => new URL(r.url).pathname === '/callback').map((r) => r.headers['set-cookie'] ?? '');
    expect(setCookie.join('\n')).toMatch(/appSession=[^;]+;[^\n]*HttpOnly/i);
    expect(setCookie.join('\n')).toMatch(/appSession=[^;]+;[^\n]*SameSite=Lax/i);
    await screenshot(page, 'server-01-alice-signed-in');
  });

  it('she adds a note by the form and through the JSON API; a write without the CSRF token is refused', async () => {
    await page.getByTestId('note-text').fill(ALICE_NOTE);
    await page.getByTestId('add-note').click();
    const item = page.getByTestId('note').filter({ hasText: ALICE_NOTE });
    await item.waitFor();
    aliceNoteId = (await item.getAttribute('data-id')) as string;
    expect(aliceNoteId).toMatch(/^\d+$/);

    const refused = await api(page, '/api/notes', { method: 'POST', body: { text: 'forged' } });
    expect(refused).toEqual({ status: 403, json: { error: 'invalid_csrf_token' } });
    const created = await api(page, '/api/notes', { method: 'POST', body: { text: 'via the API' }, csrf: true });
    expect(created.status).toBe(201);
    const listed = await api(page, '/api/notes');
    expect(listed.status).toBe(200);
    expect((listed.json as { notes: { text: string }[] }).notes.map((n) => n.text).sort()).toEqual([ALICE_NOTE, 'via the API'].sort());
    const me = await api(page, '/api/me');
    expect(me.json).toMatchObject({ name: ALICE });
  });

  it('bob, in another browser, sees none of her notes; asking for hers by id, Fauna refuses him', async () => {
    const bobPage = await bob.newPage();
    const before = fauna.secrets.length;
    await logInThroughPage(bobPage, serverUrl, 'bob', BOB);
    bobSecrets.push(...newSecretsSince(before));
    expect(bobSecrets).toHaveLength(1);
    await bobPage.getByTestId('no-notes').waitFor();
    expect(await bobPage.getByTestId('note').count()).toBe(0);
    expect(await api(bobPage, '/api/notes')).toEqual({ status: 200, json: { notes: [] } });
    // The server passes the id to Fauna with bob's secret; the notes role decides.
    expect(await api(bobPage, `/api/notes/${aliceNoteId}`)).toEqual({ status: 403, json: { error: 'forbidden' } });
    expect((await api(page, `/api/notes/${aliceNoteId}`)).json).toEqual({ id: aliceNoteId, text: ALICE_NOTE });
    // Signed out, the API says so and nothing else.
    const stranger = await (await browser.newContext()).newPage();
    await stranger.goto(serverUrl);
    expect(await api(stranger, '/api/notes')).toEqual({ status: 401, json: { error: 'login_required' } });
    await screenshot(bobPage, 'server-02-bob-sees-no-notes');
    await bobPage.close();
  });

  it('the server renews her secret with the refresh token before it expires, without a login page', async () => {
    const before = Number(await page.getByTestId('secret-expiry').getAttribute('data-expires-at'));
    const secretsBefore = fauna.secrets.length;
    const visitsBefore = loginPageVisits.length;
    // Each reload asks the server, which renews once the secret is due (half its lifetime here).
    let after = before;
    const giveUpAt = Date.now() + TTL_SECONDS * 1000;
    while (after <= before && Date.now() < giveUpAt) {
      await page.waitForTimeout(2000);
      await page.reload();
      after = Number(await page.getByTestId('secret-expiry').getAttribute('data-expires-at'));
    }
    expect(after).toBeGreaterThan(before);
    expect(Date.now()).toBeLessThan(before);
    aliceSecrets.push(...newSecretsSince(secretsBefore));
    expect(aliceSecrets.length).toBeGreaterThanOrEqual(2);
    expect(loginPageVisits.slice(visitsBefore)).toEqual([]);
    expect(await page.getByTestId('user-name').textContent()).toBe(ALICE);
    await screenshot(page, 'server-03-alice-renewed');
  });

  it('she logs out: Fauna refuses every secret she had (401), bob keeps his, and no URL carried an ID token', async () => {
    for (const secret of [...aliceSecrets, ...bobSecrets]) expect(await faunaStatus(fauna.url, secret)).toBe(200);
    await page.getByTestId('logout').click();
    await page.getByTestId('login').waitFor();
    expect(new URL(page.url()).origin).toBe(serverUrl);
    for (const secret of aliceSecrets) expect(await faunaStatus(fauna.url, secret)).toBe(401);
    for (const secret of bobSecrets) expect(await faunaStatus(fauna.url, secret)).toBe(200);
    expect((await alice.cookies(serverUrl)).find((c) => c.name === 'appSession')).toBeUndefined();

    const locations = (await aliceResponses.all()).map((r) => r.headers.location ?? '').filter((l) => l !== '');
    expect(locations.some((l) => l.includes('/v2/logout'))).toBe(true);
    for (const location of locations) expect(location).not.toMatch(/id_token/);
    await screenshot(page, 'server-04-alice-signed-out');
  });

  it('no secret appears in anything the browsers received: bodies, headers (Location, Set-Cookie), cookies, tokens', async () => {
    const responses = [...(await aliceResponses.all()), ...(await bobResponses.all())];
    const cookies = [...(await alice.cookies()), ...(await bob.cookies())];
    expect(responses.length).toBeGreaterThan(20);
    expect(responses.some((r) => r.url.startsWith(dev.loginUrl))).toBe(true);
    expect(responses.some((r) => r.url.startsWith(`${serverUrl}/api/`))).toBe(true);
    const everything = [
      ...responses.flatMap((r) => [r.url, JSON.stringify(r.headers), r.body]),
      ...cookies.map((c) => `${c.name}=${c.value}`),
    ].join('\n');
    const secrets = fauna.secrets;
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const secret of secrets) expect(everything).not.toContain(secret);
    for (const payload of jwtPayloads(everything)) for (const secret of secrets) expect(payload).not.toContain(secret);
    for (const secret of secrets) expect(dev.output()).not.toContain(secret);
  });
});
