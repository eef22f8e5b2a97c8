/**
 * The server-side example: Express 5 with Auth0's express-openid-connect as a confidential client
 * using the authorization code flow, so the ID token (and the Fauna secret in it) travels only
 * between Auth0 and this server, never through the browser. The server keeps it in the user's
 * encrypted session cookie, queries Fauna with it for the notes page and a small JSON API (the
 * ABAC roles decide what each user may read), renews it with the refresh token before it expires,
 * and at logout ends the Fauna login before the Auth0 session.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { auth } from 'express-openid-connect';
import { csrfSync } from 'csrf-sync';
import faunadb from 'faunadb';
import { FaunaClientError } from 'auth0-fauna-client';
import { notesPage, signedOutPage, STYLE } from './pages';
import { sessionCookie, type ServerAppSettings } from './settings';
import { appSession, endFaunaLogins, faunaFor, fql } from './user-fauna';

export interface ServerAppOptions {
  /** Where the app reports what happens (never a secret); default console.log. */
  readonly log?: (line: string) => void;
}

interface UserDocument {
  readonly data: { readonly name?: string; readonly email?: string };
}
interface NoteDocument {
  readonly ref: { readonly id: string };
  readonly data: { readonly text: string };
}

const MAX_NOTE = 500;
const noteView = (note: NoteDocument) => ({ id: note.ref.id, text: note.data.text });

/** Fauna's answer as an HTTP status for the API: the roles' refusal stays a refusal. */
function statusOf(err: unknown): { status: number; error: string } | undefined {
  if (err instanceof FaunaClientError) {
    // The secret could not be renewed or was revoked: the user must log in again.
    if (['ERR_RENEW_FAILED', 'ERR_SECRET_REJECTED', 'ERR_CLAIM_MISSING', 'ERR_CLAIM_INVALID', 'ERR_LOGGED_OUT', 'ERR_ACCOUNT_CHANGED'].includes(err.code)) {
      return { status: 401, error: 'login_required' };
    }
    return undefined;
  }
  if (err instanceof faunadb.errors.PermissionDenied) return { status: 403, error: 'forbidden' };
  if (err instanceof faunadb.errors.NotFound) return { status: 404, error: 'not_found' };
  return undefined;
}

export function createServerApp(settings: ServerAppSettings, options: ServerAppOptions = {}): express.Express {
  const log = options.log ?? ((line: string) => console.log(line));
  const app = express();
  app.disable('x-powered-by');
  const issuerOrigin = new URL(settings.issuerBaseURL).origin;

  app.use((_req, res, next) => {
    // No script of ours runs; an app's own script may call the JSON API (connect-src). Forms post
    // here only, or (logout) on to the login's origin.
    res.setHeader('content-security-policy', `default-src 'none'; style-src 'self'; connect-src 'self'; form-action 'self' ${issuerOrigin}; frame-ancestors 'none'; base-uri 'none'`);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'same-origin');
    next();
  });
  app.get('/style.css', (_req, res) => {
    res.type('text/css').send(STYLE);
  });

  app.use(
    auth({
      issuerBaseURL: settings.issuerBaseURL,
      baseURL: settings.baseURL,
      clientID: settings.clientID,
      clientSecret: settings.clientSecret,
      secret: settings.sessionSecret,
      authRequired: false,
      // The code flow: the tokens come from the token endpoint to this server. The default
      // (id_token, form_post) would post the ID token, and the secret in it, through the browser.
      authorizationParams: { response_type: 'code', scope: 'openid profile email offline_access' },
      session: { cookie: sessionCookie(settings.baseURL) },
      // Our POST /logout (CSRF-checked) ends the Fauna login first, then calls res.oidc.logout.
      routes: { logout: false },
      idpLogout: true,
      // Auth0's /v2/logout: client_id and returnTo, never an id_token_hint (the ID token carries
      // the secret and would sit in a URL, in history and in logs).
      auth0Logout: true,
    }),
  );

  const csrf = csrfSync({
    getTokenFromState: (req) => appSession(req)?.csrfToken,
    storeTokenInState: (req, token) => {
      const session = appSession(req);
      if (session !== undefined) session.csrfToken = token;
    },
    getTokenFromRequest: (req) => {
      const header = req.headers['x-csrf-token'];
      if (typeof header === 'string') return header;
      const field: unknown = (req.body as Record<string, unknown> | undefined)?._csrf;
      return typeof field === 'string' ? field : undefined;
    },
    size: 32,
  });

  const signedIn = (req: Request) => req.oidc.isAuthenticated();
  const apiAuth = (req: Request, res: Response, next: NextFunction) => {
    if (!signedIn(req)) res.status(401).json({ error: 'login_required' });
    else next();
  };
  const noStore = (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('cache-control', 'no-store');
    next();
  };

  app.use(express.urlencoded({ extended: false, limit: '4kb' }));
  app.use(express.json({ limit: '4kb' }));
  app.use(noStore, csrf.csrfSynchronisedProtection);

  app.get('/', async (req, res) => {
    if (!signedIn(req)) {
      res.send(signedOutPage());
      return;
    }
    try {
      const fauna = faunaFor(req, settings);
      const [user, notes] = await Promise.all([fauna.query<UserDocument>(fql.me()), fauna.query<{ data: NoteDocument[] }>(fql.notes())]);
      res.send(
        notesPage({
          name: user.data.name ?? '(no name)',
          email: user.data.email ?? '',
          secretExpiresAt: fauna.expiresAt,
          notes: notes.data.map(noteView),
          csrfToken: csrf.generateToken(req),
        }),
      );
    } catch (err) {
      if (statusOf(err)?.status === 401) {
        res.status(401).send(signedOutPage('Your session has ended: log in again.'));
        return;
      }
      throw err;
    }
  });

  app.post('/notes', async (req, res) => {
    if (!signedIn(req)) {
      res.redirect(303, '/');
      return;
    }
    const text = String((req.body as Record<string, unknown>).text ?? '').trim();
    if (text !== '' && text.length <= MAX_NOTE) {
      const fauna = faunaFor(req, settings);
      await fauna.query(fql.addNote(text));
    }
    res.redirect(303, '/');
  });

  app.get('/api/me', apiAuth, async (req, res) => {
    const fauna = faunaFor(req, settings);
    const user = await fauna.query<UserDocument>(fql.me());
    // The profile from Fauna and the secret's expiry: never the ID token's claims as they are
    // (they hold the secret).
    res.json({ name: user.data.name ?? null, email: user.data.email ?? null, faunaSecretExpiresAt: fauna.expiresAt });
  });

  app.get('/api/notes', apiAuth, async (req, res) => {
    const fauna = faunaFor(req, settings);
    const notes = await fauna.query<{ data: NoteDocument[] }>(fql.notes());
    res.json({ notes: notes.data.map(noteView) });
  });

  app.get('/api/notes/:id', apiAuth, async (req, res) => {
    const id = String(req.params.id);
    if (!/^\d{1,20}$/.test(id)) {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    // No filtering here: Fauna answers with this user's secret, and its roles decide.
    const fauna = faunaFor(req, settings);
    res.json(noteView(await fauna.query<NoteDocument>(fql.note(id))));
  });

  app.post('/api/notes', apiAuth, async (req, res) => {
    const text = (req.body as Record<string, unknown> | undefined)?.text;
    if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_NOTE) {
      res.status(400).json({ error: 'invalid_note', message: `text must be a non-empty string of at most ${MAX_NOTE} characters` });
      return;
    }
    const fauna = faunaFor(req, settings);
    const note = await fauna.query<NoteDocument>(fql.addNote(text.trim()));
    res.status(201).json(noteView(note));
  });

  app.post('/logout', async (req, res) => {
    if (signedIn(req)) {
      try {
        await endFaunaLogins(req, settings);
      } catch (err) {
        // The Auth0 logout goes on; the secret still dies at its expiry.
        log(`server example: Fauna did not confirm the end of the login (${err instanceof Error ? err.name : 'error'}); it expires by itself`);
      }
    }
    await res.oidc.logout({ returnTo: `${settings.baseURL}/`, logoutParams: { id_token_hint: null } });
  });

  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const description = (err as { error_description?: unknown }).error_description;
    if (req.path === '/callback' && typeof description === 'string') {
      // What the login sent back (e.g. the Action's deny reason, written to be shown).
      res.status(400).send(signedOutPage(`Login failed: ${description}`));
      return;
    }
    if ((err as { code?: unknown }).code === 'EBADCSRFTOKEN') {
      res.status(403).json({ error: 'invalid_csrf_token' });
      return;
    }
    const known = statusOf(err);
    if (known !== undefined) {
      res.status(known.status).json({ error: known.error });
      return;
    }
    const status = (err as { status?: unknown }).status;
    // Names only: a message might quote something it should not.
    log(`server example: ${req.method} ${req.path} failed: ${err instanceof Error ? err.name : 'error'}`);
    res.status(typeof status === 'number' && status >= 400 && status < 500 ? status : 500).json({ error: 'server_error' });
  });
  return app;
}
