/**
 * The example app in headless Chromium against `npm run dev`: log in through the dev login's
 * page, data from Fauna under the rules, notes added, edited and deleted, the profile shown
 * without the secret, renewal without a login page, logout that kills the secret, and a denied
 * login shown by the app with a fixed text. No Content-Security-Policy violation anywhere in the
 * flow. Screenshots go to test-results/e2e/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { LOGIN_ERROR_TEXTS } from '../../examples/shared/messages';
import { launchChromium, recordFaunaSecrets, recordLoginPageVisits, screenshot, watchCspViolations, type CspViolation } from './support/browser';
import { logInThroughPage } from './support/log-in';
import { startDevProcess, type DevProcess } from './support/dev-process';
import { faunaStatus } from './support/fauna-status';
import { closedPort } from './support/ports';

// The shortest FAUNA_SECRET_TTL the Action accepts; the app renews half-way (renewBeforeMs is
// capped at half the lifetime by the helper), so a renewal is due ~30 s after the login.
const TTL_SECONDS = 60;
const RENEW_BEFORE_MS = 50_000;
const ALICE = 'Alice Liddell';
const BOB = 'Bob Dylan';
const ALICE_NOTE = 'Buy rabbit food (written by alice)';

const expiresAt = async (page: Page): Promise<number> => Number(await page.getByTestId('secret-expiry').getAttribute('data-expires-at'));
const noteBodies = (page: Page) => page.getByTestId('note-body').allTextContents();

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
  let violations: CspViolation[][] = [];
  const consoleLines: string[] = [];

  beforeAll(async () => {
    // One after the other, each assigned at once: afterAll closes whatever did start.
    browser = await launchChromium();
    dev = await startDevProcess({ FAUNA_SECRET_TTL: String(TTL_SECONDS), DEV_RENEW_BEFORE_MS: String(RENEW_BEFORE_MS) });
    alice = await browser.newContext({ viewport: { width: 900, height: 760 } });
    bob = await browser.newContext({ viewport: { width: 900, height: 760 } });
    violations = [await watchCspViolations(alice), await watchCspViolations(bob)];
    page = await alice.newPage();
    page.on('console', (message) => consoleLines.push(message.text()));
    aliceSecrets = recordFaunaSecrets(page, dev.faunaUrl);
    loginPageVisits = recordLoginPageVisits(page, dev.loginUrl);
  });
  afterAll(async () => {
    await browser?.close();
    expect(await dev?.stop()).toBe(0);
  });

  it('serves the app with its Content-Security-Policy, nosniff and no referrer', async () => {
    const response = await fetch(`${dev.appUrl}/`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toBe(
      `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self' ${dev.loginUrl} ${dev.faunaUrl}; frame-src ${dev.loginUrl}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`,
    );
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    for (const file of ['app.js', 'style.css', 'config.json']) {
      expect((await fetch(`${dev.appUrl}/${file}`)).headers.get('content-security-policy')).toBe(csp);
    }
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
    // Time left as people read it, ticking (not a frozen count of seconds).
    const first = await page.getByTestId('secret-expiry').textContent();
    expect(first).toMatch(/\(in \d+ s\)$/);
    await page.waitForFunction((before) => document.querySelector('[data-testid="secret-expiry"]')?.textContent !== before, first, { timeout: 5_000 });
    expect(aliceSecrets.length).toBeGreaterThan(0);
    await screenshot(page, '03-alice-signed-in');
  });

  it('shows her profile without the Fauna claims', async () => {
    const profile = JSON.parse((await page.getByTestId('profile').textContent()) ?? '{}') as Record<string, unknown>;
    expect(profile.sub).toBe('auth0|dev-alice');
    expect(profile.name).toBe(ALICE);
    expect(Object.keys(profile).filter((name) => name.includes('fauna'))).toEqual([]);
    for (const secret of aliceSecrets) expect(await page.content()).not.toContain(secret);
  });

  it('she adds a note and sees it; bob, in another browser context, logs in and does not see it', async () => {
    await page.getByTestId('note-text').fill(ALICE_NOTE);
    await page.getByTestId('add-note').click();
    await page.getByTestId('note-body').filter({ hasText: ALICE_NOTE }).waitFor();
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
    await bobPage.getByTestId('note-body').filter({ hasText: 'Bob only' }).waitFor();
    sessionStart = aliceSecrets.length;
    await page.reload();
    await page.getByTestId('note-body').filter({ hasText: ALICE_NOTE }).waitFor();
    expect(await noteBodies(page)).toEqual([ALICE_NOTE]);
    await bobPage.close();
  });

  it('she edits a note and deletes another, as the rules allow an owner', async () => {
    await page.getByTestId('note-text').fill('Delete me');
    await page.getByTestId('add-note').click();
    await page.getByTestId('note-body').filter({ hasText: 'Delete me' }).waitFor();

    const first = page.getByTestId('note').filter({ hasText: ALICE_NOTE });
    await first.getByTestId('note-edit').click();
    await page.getByTestId('note-edit-text').fill(`${ALICE_NOTE}, and carrots`);
    await page.getByTestId('note-save').click();
    await page.getByTestId('note-body').filter({ hasText: 'and carrots' }).waitFor();

    await page.getByTestId('note').filter({ hasText: 'Delete me' }).getByTestId('note-delete').click();
    await page.waitForFunction(() => !Array.from(document.querySelectorAll('[data-testid="note-body"]')).some((n) => n.textContent === 'Delete me'));
    expect(await noteBodies(page)).toEqual([`${ALICE_NOTE}, and carrots`]);
    await screenshot(page, '05b-alice-edited-notes');
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
    expect(await noteBodies(page)).toEqual([`${ALICE_NOTE}, and carrots`]);
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

  it('broke no Content-Security-Policy rule in the whole flow, and printed no secret to the console', () => {
    expect(violations.flat()).toEqual([]);
    for (const secret of aliceSecrets) expect(consoleLines.join('\n')).not.toContain(secret);
  });
});

describe('the example app when Fauna is unreachable and ON_FAUNA_ERROR=deny', () => {
  it('the login ends with a fixed text for access_denied; the next login asks for the password again (prompt=login)', async () => {
    const browser = await launchChromium();
    let dev: DevProcess | undefined;
    try {
      dev = await startDevProcess({
        DEV_USE_CONFIGURED_FAUNA: '1',
        FAUNA_ENDPOINT: `http://127.0.0.1:${await closedPort()}`,
        FAUNA_SECRET: 'fnE2E_UNREACHABLE_FAUNA_KEY',
        ON_FAUNA_ERROR: 'deny',
        FAUNA_TIMEOUT_MS: '500',
      });
      const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
      const violations = await watchCspViolations(context);
      const page = await context.newPage();
      const visits = recordLoginPageVisits(page, dev.loginUrl);
      await page.goto(dev.appUrl);
      await page.getByTestId('login').click();
      await page.getByTestId('login-as-alice').click();
      await page.getByTestId('login-error').filter({ hasText: LOGIN_ERROR_TEXTS.access_denied }).waitFor();
      expect(await page.getByTestId('login').isVisible()).toBe(true);
      expect(await page.getByTestId('user-name').isVisible()).toBe(false);
      expect(new URL(page.url()).search).toBe('');
      await screenshot(page, '08-denied');

      // The login session still stands: a plain login would be refused again without a page.
      const before = visits.filter((path) => path.startsWith('/interaction/')).length;
      await page.getByTestId('login').click();
      await page.getByTestId('login-as-alice').waitFor();
      expect(visits.filter((path) => path.startsWith('/interaction/')).length).toBe(before + 1);
      expect(violations).toEqual([]);
    } finally {
      await browser.close();
      if (dev !== undefined) expect(await dev.stop()).toBe(0);
    }
  });
});
