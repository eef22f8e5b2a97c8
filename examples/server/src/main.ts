/**
 * Runs the server-side example on its own against your Auth0 tenant and Fauna:
 *   AUTH0_ISSUER_BASE_URL=https://your-tenant.eu.auth0.com AUTH0_CLIENT_ID=… AUTH0_CLIENT_SECRET=… \
 *   BASE_URL=http://localhost:3002 SESSION_SECRET=$(openssl rand -hex 32) \
 *   CLAIM_NAMESPACE=https://app.example.com/ FAUNA_ENDPOINT=https://fauna.example.com:8443 \
 *   npx tsx examples/server/src/main.ts
 * (`npm run dev -- --server` runs it against the dev login and the in-process Fauna instead.)
 * The Auth0 application: Regular Web Application, callback `<BASE_URL>/callback`, logout URL
 * `<BASE_URL>/`, refresh token grant on; the login Action must allow its client id.
 */
import { createServerApp } from './app';
import { readServerAppSettings } from './settings';

const settings = readServerAppSettings(process.env);
const port = Number(new URL(settings.baseURL).port || (settings.baseURL.startsWith('https:') ? 443 : 80));
createServerApp(settings).listen(Number(process.env.PORT ?? port), () => {
  console.log(`auth0-fauna server-side example on ${settings.baseURL}`);
});
