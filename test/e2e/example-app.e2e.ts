/**
 * The example app in headless Chromium against `npm run dev`: log in through the dev login's
 * page, data from Fauna under the rules, renewal without a login page, logout that kills the
 * secret, and a denied login shown by the app. Screenshots go to test-results/e2e/.
 */
import { query as q } from 'faunadb';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DENY_REASON } from '../../actions/fauna-login/mint-login-secret';
import { createFaunaClient } from '../../actions/lib/fauna-client';
import { launchChromium, recordFaunaSecrets, recordLoginPageVisits, screenshot } from './support/browser';
import { startDevProcess, type DevProcess } from './support/dev-process';
import { closedPort } from './support/ports';

// The shortest FAUNA_SECRET_TTL the Action accepts; the app renews half-way (renewBeforeMs is
// capped at half the lifetime by the helper), so a renewal is due ~30 s after the login.
const TTL_SECONDS = 60;
const RENEW_BEFORE_MS = 50_000;
const ALICE = 'Alice Liddell';
const BOB = 'Bob Dylan';
const ALICE_NOTE = 'Buy rabbit food (written by alice)';

/** Status of a Fauna request made with `secret` straight from the test: 200, 401, … */
async function faunaStatus(faunaUrl: string, secret: string): Promise<number> {
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

async function logInThroughPage(page: Page, appUrl: string, user: 'alice' | 'bob', expectedName: string): Promise<number> {
  await page.goto(appUrl);
  const started = Date.now();
  await page.getByTestId('login').click();
  await page.getByTestId(`login-as-${user}`).click();
  await page.getByTestId('user-name').filter({ hasText: expectedName }).waitFor();
  return Date.now() - started;
}

const expiresAt = async (page: Page): Promise<number> => Number(await page.getByTestId('secret-expiry').getAttribute('data-expires-at'));

describe('the example app in a real browser, against npm run dev', () => {
  let dev: DevProcess;
  let browser: Browser;
  let alice: BrowserContext;
  let bob: BrowserContext;
  let page: Page;
  let aliceSecrets: string[];
  /** Where the secrets of the page's current FaunaSession start (a reload starts a new one). */
  let sessionStart = 0;
  let loginPageVisits: string[];

  beforeAll(async () => {
    // One after the other, each assigned at once: afterAll closes whatever did start.
    browser = await launchChromium();
    dev = await startDevProcess({ FAUNA_SECRET_TTL: String(TTL_SECONDS), DEV_RENEW_BEFORE_MS: String(RENEW_BEFORE_MS) });
    alice = await browser.newContext({ viewport: { width: 900, height: 700 } });
    bob = await browser.newContext({ viewport: { width: 900, height: 700 } });
    page = await alice.newPage();
    aliceSecrets = recordFaunaSecrets(page, dev.faunaUrl);
    loginPageVisits = recordLoginPageVisits(page, dev.loginUrl);
  });
  afterAll(async () => {
    await browser?.close();
    expect(await dev?.stop()).toBe(0);
  });

  it('alice logs in through the login page; the app shows her name from Fauna and the expiry', async () => {
    await page.goto(dev.appUrl);
    await page.getByTestId('login').waitFor();
    await screenshot(page, '01-signed-out');
    const started = Date.now();
    await page.getByTestId('login').click();
    await page.getByTestId('login-as-alice').waitFor();
    await screenshot(page, '02-login-page');
    await page.getByTestId('login-as-alice').click();
    await page.getByTestId('user-name').filter({ hasText: ALICE }).waitFor();
    const elapsed = Date.now() - started;
    // A figure, not an assertion: it includes the login page and the Action's Fauna round trip.
    console.log(`e2e: "Log in" click -> name from Fauna shown: ${elapsed} ms (login page included)`);

    const expiry = await expiresAt(page);
    expect(expiry).toBeGreaterThan(Date.now() + (TTL_SECONDS - 15) * 1000);
    expect(expiry).toBeLessThanOrEqual(Date.now() + TTL_SECONDS * 1000);
    expect(await page.getByTestId('secret-expiry').textContent()).toMatch(/in \d+ s/);
    expect(aliceSecrets.length).toBeGreaterThan(0);
    await screenshot(page, '03-alice-signed-in');
  });

  it('she adds a note and sees it; bob, in another browser context, logs in and does not see it', async () => {
    await page.getByTestId('note-text').fill(ALICE_NOTE);
    await page.getByTestId('add-note').click();
    await page.getByTestId('note').filter({ hasText: ALICE_NOTE }).waitFor();
    await screenshot(page, '04-alice-note');

    const bobPage = await bob.newPage();
    const elapsed = await logInThroughPage(bobPage, dev.appUrl, 'bob', BOB);
    console.log(`e2e: bob's "Log in" click -> name shown: ${elapsed} ms`);
    await bobPage.getByTestId('no-notes').waitFor();
    expect(await bobPage.getByTestId('note').count()).toBe(0);
    await screenshot(bobPage, '05-bob-sees-no-notes');

    // And the other way round: bob's note stays his.
    await bobPage.getByTestId('note-text').fill('Bob only');
    await bobPage.getByTestId('add-note').click();
    await bobPage.getByTestId('note').filter({ hasText: 'Bob only' }).waitFor();
    sessionStart = aliceSecrets.length;
    await page.reload();
    await page.getByTestId('note').filter({ hasText: ALICE_NOTE }).waitFor();
    expect(await page.getByTestId('note').allTextContents()).toEqual([ALICE_NOTE]);
    await bobPage.close();
  });

  it('her secret is renewed before expiry without a login page, and her notes stay', async () => {
    const before = await expiresAt(page);
    const secretsBefore = aliceSecrets.length;
    const visitsBefore = loginPageVisits.length;
    // The app re-reads when the secret is due; the helper renews it through a hidden iframe.
    await page.waitForFunction(
      (previous) => Number(document.querySelector('[data-testid="secret-expiry"]')?.getAttribute('data-expires-at')) > previous,
      before,
      { timeout: TTL_SECONDS * 1000, polling: 500 },
    );
    const after = await expiresAt(page);
    expect(after).toBeGreaterThan(before);
    expect(Date.now()).toBeLessThan(before);
    expect(loginPageVisits.slice(visitsBefore)).toEqual([]);
    expect(aliceSecrets.length).toBeGreaterThan(secretsBefore);
    expect(aliceSecrets.at(-1)).not.toBe(aliceSecrets[secretsBefore - 1]);
    expect(await page.getByTestId('note').allTextContents()).toEqual([ALICE_NOTE]);
    expect(await page.getByTestId('user-name').textContent()).toBe(ALICE);
    await screenshot(page, '06-alice-renewed');
  });

  it('she logs out; the secret she held is refused by Fauna (401)', async () => {
    const held = aliceSecrets.at(-1) as string;
    expect(await faunaStatus(dev.faunaUrl, held)).toBe(200);
    await page.getByTestId('logout').click();
    await page.getByTestId('login').waitFor();
    expect(new URL(page.url()).origin).toBe(dev.appUrl);
    await screenshot(page, '07-alice-signed-out');
    expect(await faunaStatus(dev.faunaUrl, held)).toBe(401);
    // Every secret this session received (the one before renewal too) was ended, not only the last.
    const ended = aliceSecrets.slice(sessionStart);
    expect(ended.length).toBeGreaterThanOrEqual(2);
    for (const secret of ended) expect(await faunaStatus(dev.faunaUrl, secret)).toBe(401);
    expect(dev.output()).not.toContain(held);
  });
});

describe('the example app when Fauna is unreachable and ON_FAUNA_ERROR=deny', () => {
  it("the login ends with the Action's generic reason, shown by the app", async () => {
    const browser = await launchChromium();
    let dev: DevProcess | undefined;
    try {
      dev = await startDevProcess({
        FAUNA_ENDPOINT: `http://127.0.0.1:${await closedPort()}`,
        FAUNA_SECRET: 'fnE2E_UNREACHABLE_FAUNA_KEY',
        ON_FAUNA_ERROR: 'deny',
        FAUNA_TIMEOUT_MS: '500',
      });
      const page = await (await browser.newContext({ viewport: { width: 900, height: 700 } })).newPage();
      await page.goto(dev.appUrl);
      await page.getByTestId('login').click();
      await page.getByTestId('login-as-alice').click();
      await page.getByTestId('login-error').filter({ hasText: DENY_REASON }).waitFor();
      expect(await page.getByTestId('login').isVisible()).toBe(true);
      expect(await page.getByTestId('user-name').isVisible()).toBe(false);
      expect(new URL(page.url()).search).toBe('');
      await screenshot(page, '08-denied');
    } finally {
      await browser.close();
      if (dev !== undefined) expect(await dev.stop()).toBe(0);
    }
  });
});
