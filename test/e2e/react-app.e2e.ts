/**
 * The React example (examples/react, `npm run dev -- --react`) in headless Chromium: served with
 * the same Content-Security-Policy as the example app, log in through the dev login's page, the
 * name from Fauna, the secret renewed before expiry without a login page (auth0-react's
 * getAccessTokenSilently through the provider), logout makes Fauna refuse every secret the page
 * held (401, asked from the test), and another account signed in in a second tab closes the first
 * tab's session with the fixed message. No CSP violation anywhere. Not the SPA suite again: the
 * notes, the denied login and the tabs' logout are proven there on the same shared code.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TEXTS } from '../../examples/shared/messages';
import { getWithHost } from '../support/get-with-host';
import { launchChromium, recordFaunaSecrets, recordLoginPageVisits, screenshot, watchCspViolations, type CspViolation } from './support/browser';
import { startDevProcess, type DevProcess } from './support/dev-process';
import { faunaStatus } from './support/fauna-status';
import { logInThroughPage } from './support/log-in';

// As in example-app.e2e.ts: the shortest TTL the Action accepts; renewal is due half-way.
const TTL_SECONDS = 60;
const RENEW_BEFORE_MS = 50_000;
const ALICE = 'Alice Liddell';
const BOB = 'Bob Dylan';

const expiresAt = async (page: Page): Promise<number> => Number(await page.getByTestId('secret-expiry').getAttribute('data-expires-at'));

describe('the React example in a real browser, against npm run dev -- --react', () => {
  let dev: DevProcess;
  let appUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let secrets: string[];
  let loginPageVisits: string[];
  const violations: CspViolation[][] = [];
  const consoleLines: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    dev = await startDevProcess({ FAUNA_SECRET_TTL: String(TTL_SECONDS), DEV_RENEW_BEFORE_MS: String(RENEW_BEFORE_MS) }, 90_000, ['--react']);
    appUrl = dev.reactUrl as string;
    context = await browser.newContext({ viewport: { width: 900, height: 760 } });
    violations.push(await watchCspViolations(context));
    page = await context.newPage();
    page.on('console', (message) => consoleLines.push(message.text()));
    secrets = recordFaunaSecrets(page, dev.faunaUrl);
    loginPageVisits = recordLoginPageVisits(page, dev.loginUrl);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    expect(await dev?.stop()).toBe(0);
  });

  it('is served with the same security headers as the example app, naming its own origins', async () => {
    const react = await fetch(`${appUrl}/`);
    const spa = await fetch(`${dev.appUrl}/`);
    const csp = react.headers.get('content-security-policy');
    expect(csp).toBe(spa.headers.get('content-security-policy'));
    expect(csp).toContain(`connect-src 'self' ${dev.loginUrl} ${dev.faunaUrl}`);
    expect(csp).toContain("script-src 'self';");
    expect(react.headers.get('x-content-type-options')).toBe('nosniff');
    expect(react.headers.get('referrer-policy')).toBe('no-referrer');
    // Its own client at the dev login, which the Action mints for.
    expect((await (await fetch(`${appUrl}/config.json`)).json()).auth0ClientId).toBe('auth0-fauna-react-example');
    // Like the other dev servers, it answers only its own loopback Host (DNS rebinding).
    const port = Number(new URL(appUrl).port);
    expect((await getWithHost(port, `rebound.attacker.example:${port}`)).status).toBe(403);
    expect((await getWithHost(port, `localhost:${port}`)).status).toBe(200);
  });

  it('alice logs in through the login page; the app shows her name from Fauna, the expiry, her profile without the secret', async () => {
    const elapsed = await logInThroughPage(page, appUrl, 'alice', ALICE);
    console.log(`e2e (React): "Log in" click -> name from Fauna shown: ${elapsed} ms (login page included)`);
    const expiry = await expiresAt(page);
    expect(expiry).toBeGreaterThan(Date.now() + (TTL_SECONDS - 15) * 1000);
    const first = await page.getByTestId('secret-expiry').textContent();
    expect(first).toMatch(/\(in \d+ s\)$/);
    await page.waitForFunction((before) => document.querySelector('[data-testid="secret-expiry"]')?.textContent !== before, first, { timeout: 5_000 });
    const profile = JSON.parse((await page.getByTestId('profile').textContent()) ?? '{}') as Record<string, unknown>;
    expect(profile.sub).toBe('auth0|dev-alice');
    expect(Object.keys(profile).filter((name) => name.includes('fauna'))).toEqual([]);
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(await page.content()).not.toContain(secret);
    await screenshot(page, 'react-01-alice-signed-in');
  });

  it('her secret is renewed before expiry without a login page', async () => {
    const before = await expiresAt(page);
    const secretsBefore = secrets.length;
    const visitsBefore = loginPageVisits.length;
    await page.waitForFunction(
      (previous) => Number(document.querySelector('[data-testid="secret-expiry"]')?.getAttribute('data-expires-at')) > previous,
      before,
      { timeout: TTL_SECONDS * 1000, polling: 500 },
    );
    expect(Date.now()).toBeLessThan(before);
    expect(loginPageVisits.slice(visitsBefore)).toEqual([]);
    expect(secrets.length).toBeGreaterThan(secretsBefore);
    expect(await page.getByTestId('user-name').textContent()).toBe(ALICE);
    await screenshot(page, 'react-02-alice-renewed');
  });

  it('she logs out: every secret the page held is refused by Fauna (401)', async () => {
    const held = secrets.at(-1) as string;
    expect(await faunaStatus(dev.faunaUrl, held)).toBe(200);
    await page.getByTestId('logout').click();
    await page.getByTestId('login').waitFor();
    expect(new URL(page.url()).origin).toBe(appUrl);
    expect(secrets.length).toBeGreaterThanOrEqual(2);
    for (const secret of secrets) expect(await faunaStatus(dev.faunaUrl, secret)).toBe(401);
    expect(dev.output()).not.toContain(held);
    await screenshot(page, 'react-03-alice-signed-out');
  });

  it('bob signs in in a second tab (prompt=login): the first tab says so and never sends his secret', async () => {
    const tabs = await browser.newContext({ viewport: { width: 900, height: 760 } });
    violations.push(await watchCspViolations(tabs));
    const tab1 = await tabs.newPage();
    const tab1Secrets = recordFaunaSecrets(tab1, dev.faunaUrl);
    await logInThroughPage(tab1, appUrl, 'alice', ALICE);
    const tab2 = await tabs.newPage();
    const tab2Secrets = recordFaunaSecrets(tab2, dev.faunaUrl);
    await tab2.goto(appUrl);
    await tab2.getByTestId('user-name').filter({ hasText: ALICE }).waitFor();
    const beforeSwitch = tab2Secrets.length;
    await tab2.getByTestId('switch-account').click();
    await tab2.getByTestId('login-as-bob').click();
    await tab2.getByTestId('user-name').filter({ hasText: BOB }).waitFor();

    await tab1.getByTestId('signed-out-text').filter({ hasText: TEXTS.accountChanged }).waitFor({ timeout: 5_000 });
    expect(await tab1.getByTestId('user-name').count()).toBe(0);
    await screenshot(tab1, 'react-04-tab1-account-switched');
    const bobs = tab2Secrets.slice(beforeSwitch);
    expect(bobs.length).toBeGreaterThan(0);
    for (const secret of bobs) expect(tab1Secrets).not.toContain(secret);
    expect(await faunaStatus(dev.faunaUrl, tab2Secrets.at(-1) as string)).toBe(200);
    // Starting over asks who logs in rather than silently becoming bob.
    const visits = recordLoginPageVisits(tab1, dev.loginUrl);
    await tab1.getByTestId('login').click();
    await tab1.getByTestId('login-as-alice').waitFor();
    expect(visits.some((path) => path.startsWith('/interaction/'))).toBe(true);
    await tabs.close();
  });

  it('broke no Content-Security-Policy rule in the whole flow, and printed no secret to the console', () => {
    expect(violations.flat()).toEqual([]);
    for (const secret of secrets) expect(consoleLines.join('\n')).not.toContain(secret);
  });
});
