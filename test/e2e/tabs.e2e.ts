/**
 * Several tabs of the example app in one browser (one Auth0 session), against `npm run dev`:
 * a logout in one tab reaches the others and ends every secret of the session; another account
 * signed in in one tab closes the others' sessions without their ever sending its secret; "Log
 * out everywhere" ends the user's logins in another browser too. No CSP violation anywhere.
 * Screenshots of the account-switch and logged-out-tab states go to test-results/e2e/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TEXTS } from '../../examples/shared/messages';
import { launchChromium, recordFaunaSecrets, recordLoginPageVisits, screenshot, watchCspViolations, type CspViolation } from './support/browser';
import { startDevProcess, type DevProcess } from './support/dev-process';
import { faunaStatus } from './support/fauna-status';

const ALICE = 'Alice Liddell';
const BOB = 'Bob Dylan';

/** Polls Fauna until `secret` answers `status` (a logout's end_login may still be in flight), then says what it answers. */
async function statusSettled(dev: DevProcess, secret: string, status: number): Promise<number> {
  let seen = await faunaStatus(dev.faunaUrl, secret);
  for (let attempt = 0; attempt < 50 && seen !== status; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    seen = await faunaStatus(dev.faunaUrl, secret);
  }
  return seen;
}

async function signedInAs(page: Page, name: string): Promise<void> {
  await page.getByTestId('user-name').filter({ hasText: name }).waitFor();
}

describe('tabs of the example app in one browser', () => {
  let dev: DevProcess;
  let browser: Browser;
  const violations: CspViolation[][] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    dev = await startDevProcess({ FAUNA_SECRET_TTL: '600' });
  });
  afterAll(async () => {
    await browser?.close();
    expect(await dev?.stop()).toBe(0);
  });

  async function newBrowserWindow(): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 900, height: 760 } });
    violations.push(await watchCspViolations(context));
    return context;
  }

  it('a logout in tab 2 reaches tab 1 at once, and the secrets of the first page load, the reload and tab 2 all answer 401', async () => {
    const context = await newBrowserWindow();
    const secrets = recordFaunaSecrets(context, dev.faunaUrl);
    const tab1 = await context.newPage();
    await tab1.goto(dev.appUrl);
    await tab1.getByTestId('login').click();
    await tab1.getByTestId('login-as-alice').click();
    await signedInAs(tab1, ALICE);
    const firstLoad = secrets.at(-1) as string;

    await tab1.reload();
    await signedInAs(tab1, ALICE);
    const reload = secrets.at(-1) as string;

    const tab2 = await context.newPage();
    await tab2.goto(dev.appUrl);
    await signedInAs(tab2, ALICE);
    const secondTab = secrets.at(-1) as string;
    expect(new Set([firstLoad, reload, secondTab]).size).toBe(3);
    for (const secret of [firstLoad, reload, secondTab]) expect(await faunaStatus(dev.faunaUrl, secret)).toBe(200);

    await tab2.getByTestId('logout').click();
    await tab2.getByTestId('login').waitFor();
    // Tab 1 learns through the BroadcastChannel, not at its next renewal minutes later.
    await tab1.getByTestId('login').waitFor({ timeout: 2_000 });
    expect(await tab1.getByTestId('signed-out-text').textContent()).toBe(TEXTS.loggedOutElsewhere);
    expect(await tab1.getByTestId('user-name').isVisible()).toBe(false);
    await screenshot(tab1, '09-tab1-after-logout-in-tab2');

    expect(await statusSettled(dev, secondTab, 401)).toBe(401);
    expect(await statusSettled(dev, reload, 401)).toBe(401);
    // The first page load's secret is held by no page any more: only the session-wide end_login
    // (every login of the user in this Auth0 session) can end it.
    expect(await statusSettled(dev, firstLoad, 401)).toBe(401);
    await context.close();
  });

  it('tab 2 signs in as bob (prompt=login): tab 1 says so and starts over, never sending his secret', async () => {
    const context = await newBrowserWindow();
    const tab1 = await context.newPage();
    const tab1Secrets = recordFaunaSecrets(tab1, dev.faunaUrl);
    await tab1.goto(dev.appUrl);
    await tab1.getByTestId('login').click();
    await tab1.getByTestId('login-as-alice').click();
    await signedInAs(tab1, ALICE);
    const aliceSecret = tab1Secrets.at(-1) as string;

    const tab2 = await context.newPage();
    const tab2Secrets = recordFaunaSecrets(tab2, dev.faunaUrl);
    const tab2Visits = recordLoginPageVisits(tab2, dev.loginUrl);
    await tab2.goto(dev.appUrl);
    await signedInAs(tab2, ALICE);
    await tab2.getByTestId('switch-account').click();
    // prompt=login: the login page, not a silent sign-in on alice's session.
    await tab2.getByTestId('login-as-bob').click();
    await signedInAs(tab2, BOB);
    expect(tab2Visits.some((path) => path.startsWith('/interaction/'))).toBe(true);

    await tab1.getByTestId('signed-out-text').filter({ hasText: TEXTS.accountChanged }).waitFor({ timeout: 5_000 });
    expect(await tab1.getByTestId('login').isVisible()).toBe(true);
    expect(await tab1.getByTestId('user-name').isVisible()).toBe(false);
    await screenshot(tab1, '10-tab1-account-switched');

    const bobSecrets = tab2Secrets.slice(tab2Secrets.findIndex((s) => s !== tab2Secrets[0]));
    expect(bobSecrets.length).toBeGreaterThan(0);
    for (const secret of bobSecrets) expect(tab1Secrets).not.toContain(secret);
    // Bob's tab goes on: his secret was not ended by alice's tab closing.
    await tab2.getByTestId('note-text').fill('Bob in tab 2');
    await tab2.getByTestId('add-note').click();
    await tab2.getByTestId('note-body').filter({ hasText: 'Bob in tab 2' }).waitFor();
    expect(await faunaStatus(dev.faunaUrl, tab2Secrets.at(-1) as string)).toBe(200);
    // Alice's own login ended with her tab's session.
    expect(await statusSettled(dev, aliceSecret, 401)).toBe(401);

    // Starting over asks who is logging in (prompt=login), rather than silently becoming bob.
    const tab1Visits = recordLoginPageVisits(tab1, dev.loginUrl);
    await tab1.getByTestId('login').click();
    await tab1.getByTestId('login-as-alice').waitFor();
    expect(tab1Visits.some((path) => path.startsWith('/interaction/'))).toBe(true);
    await context.close();
  });

  it('"Log out everywhere" in one browser ends her logins in another browser too', async () => {
    const laptop = await newBrowserWindow();
    const phone = await newBrowserWindow();
    const laptopPage = await laptop.newPage();
    const laptopSecrets = recordFaunaSecrets(laptopPage, dev.faunaUrl);
    const phonePage = await phone.newPage();
    for (const page of [laptopPage, phonePage]) {
      await page.goto(dev.appUrl);
      await page.getByTestId('login').click();
      await page.getByTestId('login-as-alice').click();
      await signedInAs(page, ALICE);
    }
    const laptopSecret = laptopSecrets.at(-1) as string;
    expect(await faunaStatus(dev.faunaUrl, laptopSecret)).toBe(200);

    await phonePage.getByTestId('logout-everywhere').click();
    await phonePage.getByTestId('login').waitFor();
    expect(await statusSettled(dev, laptopSecret, 401)).toBe(401);
    await Promise.all([laptop.close(), phone.close()]);
  });

  it('broke no Content-Security-Policy rule in any tab', () => {
    expect(violations.flat()).toEqual([]);
  });
});
