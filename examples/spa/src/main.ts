/**
 * The auth0-fauna example app: log in with Auth0 (or the dev login), read the Fauna secret the
 * login Action put in the ID token, and talk to Fauna directly with it, under the rules
 * setup:fauna wrote: the user's name through current_user(), and the user's own notes.
 */
import { createAuth0Client, type Auth0Client } from '@auth0/auth0-spa-js';
import { query as q } from 'faunadb';
import { FaunaSession } from '../../../client';
import { parseExampleAppConfig, type ExampleAppConfig } from './config';

interface UserDocument {
  readonly data: { readonly name?: string; readonly email?: string };
}
interface NoteDocument {
  readonly ref: { readonly id: string };
  readonly data: { readonly text: string };
}

const element = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`index.html lacks #${id}`);
  return found as T;
};

const ui = {
  signedOut: element('signed-out'),
  signedIn: element('signed-in'),
  login: element<HTMLButtonElement>('login'),
  logout: element<HTMLButtonElement>('logout'),
  loginError: element('login-error'),
  status: element('status'),
  userName: element('user-name'),
  userEmail: element('user-email'),
  secretExpiry: element('secret-expiry'),
  notes: element<HTMLUListElement>('notes'),
  noNotes: element('no-notes'),
  noteForm: element<HTMLFormElement>('note-form'),
  noteText: element<HTMLInputElement>('note-text'),
  addNote: element<HTMLButtonElement>('add-note'),
};

const currentUser = q.Call(q.Function('current_user'));

function showProblem(target: HTMLElement, message: string | undefined): void {
  target.textContent = message ?? '';
  target.hidden = message === undefined;
}

/** What went wrong, for the page: the helper's and the driver's messages never carry the secret. */
function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

async function loadConfig(): Promise<ExampleAppConfig> {
  const response = await fetch('config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status} (see docs/local-development.md)`);
  return parseExampleAppConfig(await response.json());
}

/**
 * An error the login sent back to the callback URL (e.g. the Action's deny reason, as
 * `error=access_denied&error_description=…`): shown as it came, and removed from the address bar.
 */
function takeCallbackError(): string | undefined {
  const params = new URLSearchParams(window.location.search);
  const error = params.get('error');
  if (error === null) return undefined;
  window.history.replaceState({}, document.title, window.location.pathname);
  const description = params.get('error_description');
  return description === null || description === '' ? `Login failed: ${error}` : `Login failed: ${description}`;
}

class SignedInView {
  private renewTimer: number | undefined;

  constructor(
    private readonly session: FaunaSession,
    private readonly renewBeforeMs: number,
  ) {}

  async show(): Promise<void> {
    ui.signedOut.hidden = true;
    ui.signedIn.hidden = false;
    await this.reload();
  }

  /** Reads the user and the notes; a query renews the secret first when it is due. */
  async reload(): Promise<void> {
    const [user, notes] = await Promise.all([
      this.session.query<UserDocument>(q.Get(currentUser)),
      this.session.query<{ data: NoteDocument[] }>(
        q.Map(q.Paginate(q.Match(q.Index('notes_by_owner'), currentUser), { size: 100 }), q.Lambda('ref', q.Get(q.Var('ref')))),
      ),
    ]);
    ui.userName.textContent = user.data.name ?? '(no name)';
    ui.userEmail.textContent = user.data.email ?? '';
    this.renderNotes(notes.data);
    this.renderExpiry();
    this.scheduleReload();
  }

  async addNote(text: string): Promise<void> {
    await this.session.query(q.Create(q.Collection('notes'), { data: { owner: currentUser, text } }));
    await this.reload();
  }

  /** Ends the login in Fauna at once (end_login), then at the login. */
  async logout(): Promise<void> {
    window.clearTimeout(this.renewTimer);
    await this.session.logout();
  }

  private renderNotes(notes: readonly NoteDocument[]): void {
    ui.notes.replaceChildren(
      ...notes.map((note) => {
        const item = document.createElement('li');
        item.dataset.testid = 'note';
        item.textContent = note.data.text;
        return item;
      }),
    );
    ui.noNotes.hidden = notes.length > 0;
  }

  private renderExpiry(): void {
    const expiresAt = this.session.expiresAt;
    ui.secretExpiry.dataset.expiresAt = String(expiresAt);
    ui.secretExpiry.textContent = `${new Date(expiresAt).toLocaleTimeString()} (in ${Math.round((expiresAt - Date.now()) / 1000)} s)`;
  }

  /** Comes back when the secret is due for renewal, so it is renewed (by that query) before it expires. */
  private scheduleReload(): void {
    window.clearTimeout(this.renewTimer);
    const left = this.session.expiresAt - Date.now();
    const delay = Math.max(1000, left > this.renewBeforeMs * 2 ? left - this.renewBeforeMs : left / 2);
    this.renewTimer = window.setTimeout(() => {
      this.reload().catch((err: unknown) => showProblem(ui.status, describe(err)));
    }, delay);
  }
}

async function main(): Promise<void> {
  const config = await loadConfig();
  const redirectUri = `${window.location.origin}/`;
  const auth0: Auth0Client = await createAuth0Client({
    domain: config.auth0Domain,
    clientId: config.auth0ClientId,
    authorizationParams: { redirect_uri: redirectUri, scope: 'openid profile email' },
  });

  showProblem(ui.loginError, takeCallbackError());
  const params = new URLSearchParams(window.location.search);
  if (params.has('code') && params.has('state')) {
    try {
      await auth0.handleRedirectCallback();
    } catch (err) {
      showProblem(ui.loginError, `Login failed: ${describe(err)}`);
    }
    window.history.replaceState({}, document.title, window.location.pathname);
  } else {
    // A reload: renew the login silently if the login's session is still there.
    await auth0.checkSession().catch(() => undefined);
  }

  ui.login.addEventListener('click', () => {
    ui.login.disabled = true;
    void auth0.loginWithRedirect();
  });

  if (!(await auth0.isAuthenticated())) {
    ui.signedOut.hidden = false;
    ui.signedIn.hidden = true;
    ui.login.disabled = false;
    return;
  }

  const session = FaunaSession.fromClaims(await auth0.getIdTokenClaims(), {
    endpoint: config.faunaEndpoint,
    namespace: config.claimNamespace,
    ...(config.renewBeforeMs === undefined ? {} : { renewBeforeMs: config.renewBeforeMs }),
    // A fresh ID token (the login Action runs again and mints a new secret), then its claims.
    renew: async () => {
      await auth0.getTokenSilently({ cacheMode: 'off' });
      return auth0.getIdTokenClaims();
    },
    onRenewError: (err) => showProblem(ui.status, `Renewal failed, retrying: ${err.message}`),
  });
  const view = new SignedInView(session, config.renewBeforeMs ?? 60_000);

  ui.logout.addEventListener('click', () => {
    ui.logout.disabled = true;
    view
      .logout()
      .catch((err: unknown) => console.warn(`Fauna logout: ${describe(err)}`))
      .finally(() => void auth0.logout({ logoutParams: { returnTo: redirectUri } }));
  });
  ui.noteForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = ui.noteText.value.trim();
    if (text === '') return;
    ui.addNote.disabled = true;
    view
      .addNote(text)
      .then(() => {
        ui.noteText.value = '';
        showProblem(ui.status, undefined);
      })
      .catch((err: unknown) => showProblem(ui.status, describe(err)))
      .finally(() => {
        ui.addNote.disabled = false;
      });
  });
  await view.show();
}

main().catch((err: unknown) => {
  ui.signedOut.hidden = false;
  showProblem(ui.status, describe(err));
});
