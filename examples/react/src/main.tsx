/**
 * The auth0-fauna example app in React: the app of examples/spa, on @auth0/auth0-react and the
 * helper's React entry (auth0-fauna-client/react). Its one configuration is config.json beside
 * index.html (examples/shared/config.ts); what it shows about a problem is a fixed sentence per
 * error code (examples/shared/messages.ts), never text from the URL.
 */
import { Auth0Provider } from '@auth0/auth0-react';
import { FaunaProvider } from 'auth0-fauna-client/react';
import { StrictMode, useCallback, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { parseExampleAppConfig, type ExampleAppConfig } from '../../shared/config';
import { TEXTS, isNetworkError, problemText, warnDevelopers } from '../../shared/messages';
import { App, type Startup } from './app';

async function loadConfig(): Promise<ExampleAppConfig> {
  const response = await fetch('config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status} (see docs/local-development.md)`);
  return parseExampleAppConfig(await response.json());
}

/** What the URL of this page load says, read before auth0-react handles (and the app clears) it. */
function readStartup(): Startup {
  const params = new URLSearchParams(window.location.search);
  return {
    // Only the code: error_description is anyone's words and is never shown.
    loginError: params.get('error') ?? undefined,
    fromLogin: params.has('state') && (params.has('code') || params.has('error')),
  };
}

function Root({ config, startup }: { config: ExampleAppConfig; startup: Startup }) {
  const redirectUri = `${window.location.origin}/`;
  const [renewProblem, setRenewProblem] = useState<string>();
  // Read when the session is built: a stable callback that only sets state.
  const onRenewError = useCallback((err: unknown) => {
    warnDevelopers('renewal ahead of expiry', err);
    setRenewProblem(`${problemText(err)} (retrying)`);
  }, []);
  return (
    <Auth0Provider
      domain={config.auth0Domain}
      clientId={config.auth0ClientId}
      authorizationParams={{ redirect_uri: redirectUri, scope: 'openid profile email' }}
      // The default memory cache: the ID token (and so the secret) never lands in localStorage.
      {...(config.useRefreshTokens === true ? { useRefreshTokens: true, useRefreshTokensFallback: true } : {})}
    >
      <FaunaProvider
        endpoint={config.faunaEndpoint}
        namespace={config.claimNamespace}
        {...(config.renewBeforeMs === undefined ? {} : { renewBeforeMs: config.renewBeforeMs })}
        onRenewError={onRenewError}
      >
        <App
          startup={startup}
          redirectUri={redirectUri}
          renewBeforeMs={config.renewBeforeMs ?? 60_000}
          renewProblem={renewProblem}
          clearRenewProblem={() => setRenewProblem(undefined)}
        />
      </FaunaProvider>
    </Auth0Provider>
  );
}

function Failed({ text }: { text: string }) {
  return (
    <section className="card">
      <p data-testid="signed-out-text">{text}</p>
    </section>
  );
}

const container = document.getElementById('root');
if (container === null) throw new Error('index.html lacks #root');
const root = createRoot(container);
const startup = readStartup();
loadConfig().then(
  (config) =>
    root.render(
      <StrictMode>
        <Root config={config} startup={startup} />
      </StrictMode>,
    ),
  (err: unknown) => {
    warnDevelopers('starting', err);
    root.render(<Failed text={isNetworkError(err) ? TEXTS.loginUnreachable : TEXTS.unexpected} />);
  },
);
