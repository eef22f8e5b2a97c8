import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

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

/** The Fauna secrets a page sent (the bearer of each request to Fauna), in order. */
export function recordFaunaSecrets(page: Page, faunaUrl: string): string[] {
  const secrets: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(faunaUrl) || request.method() !== 'POST') return;
    const bearer = /^Bearer (.+)$/.exec(request.headers().authorization ?? '')?.[1];
    if (bearer !== undefined && secrets.at(-1) !== bearer) secrets.push(bearer);
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
