import type { Page } from 'playwright-core';

/**
 * Both example apps' login as a person does it: open the app, "Log in", pick the test user on the
 * dev login's page, wait for the name the app read from Fauna. Resolves with the milliseconds
 * from the click to the name shown.
 */
export async function logInThroughPage(page: Page, appUrl: string, user: 'alice' | 'bob', expectedName: string): Promise<number> {
  await page.goto(appUrl);
  const started = Date.now();
  await page.getByTestId('login').click();
  await page.getByTestId(`login-as-${user}`).click();
  await page.getByTestId('user-name').filter({ hasText: expectedName }).waitFor();
  return Date.now() - started;
}
