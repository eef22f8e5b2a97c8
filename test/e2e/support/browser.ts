import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const SCREENSHOT_DIR = path.resolve(__dirname, '../../../test-results/e2e');

/** Debian's `chromium` (or CHROME_PATH), headless, no network beyond what the page asks for. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    throw new Error(`No Chromium at ${executablePath}: install Debian's chromium (apt-get install -y chromium) or set CHROME_PATH.`);
  }
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * The Fauna secrets a page (or every tab of a context) sent, each once, in the order first seen:
 * the bearer of each request to Fauna.
 */
export function recordFaunaSecrets(target: Page | BrowserContext, faunaUrl: string): string[] {
  const secrets: string[] = [];
  target.on('request', (request) => {
    if (!request.url().startsWith(faunaUrl) || request.method() !== 'POST') return;
    const bearer = /^Bearer (.+)$/.exec(request.headers().authorization ?? '')?.[1];
    if (bearer !== undefined && !secrets.includes(bearer)) secrets.push(bearer);
  });
  return secrets;
}

/** Main-frame visits to the login's pages (its login page, /authorize): a renewal must cause none. */
export function recordLoginPageVisits(page: Page, loginUrl: string): string[] {
  const visits: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame() && frame.url().startsWith(loginUrl)) visits.push(new URL(frame.url()).pathname);
  });
  return visits;
}

export interface CspViolation {
  /** The page or frame that broke its policy, without its query. */
  readonly where: string;
  readonly directive: string;
  readonly blocked: string;
}

/**
 * Records every Content-Security-Policy violation in any page and frame of `context`, for as long
 * as it lives: the `securitypolicyviolation` event (through an init script, which Playwright
 * injects outside the page's own policy) and Chromium's "Refused to …" console errors.
 */
export async function watchCspViolations(context: BrowserContext): Promise<CspViolation[]> {
  const violations: CspViolation[] = [];
  await context.exposeBinding('__auth0FaunaCspViolation', (_source, violation: CspViolation) => {
    violations.push(violation);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __auth0FaunaCspViolation: (v: unknown) => void }).__auth0FaunaCspViolation;
      report({ where: window.location.href.split('?')[0], directive: event.violatedDirective, blocked: event.blockedURI });
    });
  });
  const watchConsole = (page: Page) =>
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
        violations.push({ where: page.url().split('?')[0], directive: 'console', blocked: message.text() });
      }
    });
  context.pages().forEach(watchConsole);
  context.on('page', watchConsole);
  return violations;
}
