/**
 * The example app when Fauna goes away: a failed request says so in words (not "TypeError:
 * Failed to fetch"), and a reload shows "Loading…" and then why the session could not be
 * restored (not a blank page, then "signed out" with no reason). Fauna here is the test's own
 * in-process Fauna, which it stops; `npm run dev` uses it through DEV_USE_CONFIGURED_FAUNA=1.
 * A `?error=…&error_description=…` link shows a fixed text, never the description.
 */
import { FakeFauna } from '../../fauna-in-process';
import { serveInProcessFauna, type ServedFauna } from '../../fauna-in-process/http';
import { applyProjectSchema } from '../../fauna-in-process/project-schema';
import { LOGIN_ERROR_TEXTS, TEXTS, restoreProblemText } from '../../examples/shared/messages';
import { launchChromium, screenshot, watchCspViolations } from './support/browser';
import { startDevProcess, type DevProcess } from './support/dev-process';
import { closedPort } from './support/ports';

describe('the example app when Fauna goes away', () => {
  it('says the database cannot be reached, and on a reload shows Loading… then why the session could not be restored', async () => {
    const appPort = await closedPort();
    const fake = new FakeFauna();
    const { keys } = await applyProjectSchema(fake, { keys: ['create-action-key'] });
    let fauna: ServedFauna | undefined = await serveInProcessFauna(fake, { allowOrigins: [`http://localhost:${appPort}`] });
    const browser = await launchChromium();
    let dev: DevProcess | undefined;
    try {
      dev = await startDevProcess({
        DEV_APP_PORT: String(appPort),
        DEV_USE_CONFIGURED_FAUNA: '1',
        FAUNA_ENDPOINT: fauna.url,
        FAUNA_SECRET: keys['create-action-key'] ?? '',
        FAUNA_TIMEOUT_MS: '800',
      });
      expect(dev.output()).toContain(`YOUR Fauna (DEV_USE_CONFIGURED_FAUNA=1`);
      const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
      const violations = await watchCspViolations(context);
      const page = await context.newPage();
      await page.goto(dev.appUrl);
      await page.getByTestId('login').click();
      await page.getByTestId('login-as-alice').click();
      await page.getByTestId('user-name').filter({ hasText: 'Alice Liddell' }).waitFor();

      await fauna.close();
      fauna = undefined;
      await page.getByTestId('note-text').fill('while Fauna is down');
      await page.getByTestId('add-note').click();
      await page.getByTestId('status').filter({ hasText: TEXTS.databaseUnreachable }).waitFor();
      expect(await page.content()).not.toContain('TypeError');
      await screenshot(page, '12-fauna-unreachable');

      // The reload's silent sign-in waits for the login Action, which waits for Fauna, then is refused.
      await page.reload({ waitUntil: 'commit' });
      await page.getByTestId('loading').filter({ hasText: TEXTS.loading }).waitFor();
      await page.getByTestId('signed-out-text').filter({ hasText: restoreProblemText({ error: 'access_denied' }) }).waitFor();
      expect(await page.getByTestId('loading').isVisible()).toBe(false);
      expect(await page.getByTestId('login').isVisible()).toBe(true);
      await screenshot(page, '13-session-not-restored');
      expect(violations).toEqual([]);
    } finally {
      await browser.close();
      if (dev !== undefined) expect(await dev.stop()).toBe(0);
      await fauna?.close();
    }
  });
});

describe('the example app never shows text from the URL', () => {
  it('a link with error_description shows the fixed text of its error code only', async () => {
    const browser = await launchChromium();
    let dev: DevProcess | undefined;
    try {
      dev = await startDevProcess({});
      const page = await (await browser.newContext()).newPage();
      const phishing = 'Your account is locked. Call +1 555 0100 or visit evil.example to unlock it.';
      for (const [code, text] of [
        ['access_denied', LOGIN_ERROR_TEXTS.access_denied],
        ['<img src=x onerror=alert(1)>', 'Sign-in did not complete. Please try again.'],
      ] as const) {
        await page.goto(`${dev.appUrl}/?error=${encodeURIComponent(code)}&error_description=${encodeURIComponent(phishing)}&state=x`);
        await page.getByTestId('login-error').filter({ hasText: text }).waitFor();
        const body = (await page.textContent('body')) ?? '';
        expect(body).not.toContain('555 0100');
        expect(body).not.toContain('evil.example');
        expect(body).not.toContain(code === 'access_denied' ? 'access_denied' : '<img');
        expect(new URL(page.url()).search).toBe('');
      }
      await screenshot(page, '14-url-error-fixed-text');
    } finally {
      await browser.close();
      if (dev !== undefined) expect(await dev.stop()).toBe(0);
    }
  });
});
