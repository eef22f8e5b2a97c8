/**
 * The HTTP headers a browser example (examples/spa, examples/react) is served with, generated
 * from its one config so that the Content-Security-Policy names exactly the origins the app talks
 * to. `npm run dev` sends them; a static host is configured with the same values
 * (docs/in-your-app.md shows them).
 *
 * The policy is a second line of defence for the secret in the page: no inline script or style
 * and no eval (an injected string cannot run), requests only to the app itself (its config.json),
 * the login and Fauna (an injected script cannot send the secret elsewhere by fetch), frames only
 * of the login (auth0-spa-js's silent renewal), and nobody may frame the app.
 */
import type { ExampleAppConfig } from './config';

/** The login's origin: auth0Domain is a host name (`tenant.eu.auth0.com`, https) or a full URL (the dev login). */
export function loginOrigin(auth0Domain: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(auth0Domain) ? auth0Domain : `https://${auth0Domain}`;
  return new URL(withScheme).origin;
}

export function contentSecurityPolicy(config: ExampleAppConfig): string {
  const login = loginOrigin(config.auth0Domain);
  const fauna = new URL(config.faunaEndpoint).origin;
  const directives: [string, ...string[]][] = [
    ['default-src', "'none'"],
    ['script-src', "'self'"],
    ['style-src', "'self'"],
    ['img-src', "'self'"],
    ['connect-src', "'self'", ...new Set([login, fauna])],
    ['frame-src', login],
    // auth0-spa-js runs refresh-token requests in a Web Worker it builds from a blob: URL.
    ...(config.useRefreshTokens === true ? [['worker-src', 'blob:'] as [string, ...string[]]] : []),
    ['frame-ancestors', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'self'"],
  ];
  return directives.map((directive) => directive.join(' ')).join('; ');
}

export function securityHeaders(config: ExampleAppConfig): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(config),
    'x-content-type-options': 'nosniff',
    // The callback URL carries the authorization code and state: no page the app links to sees it.
    'referrer-policy': 'no-referrer',
  };
}
