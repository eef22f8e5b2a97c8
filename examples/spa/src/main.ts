/**
 * The auth0-fauna example app: log in with Auth0 (or the dev login), read the Fauna secret the
 * login Action put in the ID token, and talk to Fauna directly with it, under the rules
 * setup:fauna wrote: the user's name through current_user(), and the user's own notes.
 *
 * Every problem is shown as a fixed sentence (messages.ts), never as text from the URL or an
 * exception; the profile is shown without the Fauna claims; a logout or another account in
 * another tab ends this tab's session too (the helper's BroadcastChannel).
 */
import { createAuth0Client, type Auth0Client } from '@auth0/auth0-spa-js';
import type { ExprArg } from 'faunadb';
import { FaunaSession, withoutFaunaClaims, type LogoutOptions } from 'auth0-fauna-client';
import { parseExampleAppConfig, type ExampleAppConfig } from '../../shared/config';
import { timeLeft } from '../../shared/format';
import { TEXTS, endsSignIn, isNetworkError, loginErrorText, oauthErrorCode, problemText, restoreProblemText, signInEndedText, warnDevelopers } from '../../shared/messages';
import { NOTE_MAX_LENGTH, fql, type NoteDocument, type UserDocument } from '../../shared/notes';

const element = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`index.html lacks #${id}`);
  return found as T;
};

const ui = {
  loading: element('loading'),
  signedOut: element('signed-out'),
  signedOutText: element('signed-out-text'),
  signedIn: element('signed-in'),
  login: element<HTMLButtonElement>('login'),
  logout: element<HTMLButtonElement>('logout'),
  logoutEverywhere: element<HTMLButtonElement>('logout-everywhere'),
  switchAccount: element<HTMLButtonElement>('switch-account'),
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
  profile: element('profile'),
};

/** Shows one of the fixed texts, or hides the element. */
function say(target: HTMLElement, text: string | undefined): void {
  target.textContent = text ?? '';
  target.hidden = text === undefined;
}

function showView(view: 'loading' | 'signed-out' | 'signed-in'): void {
  ui.loading.hidden = view !== 'loading';
  ui.signedOut.hidden = view !== 'signed-out';
  ui.signedIn.hidden = view !== 'signed-in';
}

function showSignedOut(reason?: string): void {
  ui.signedOutText.textContent = reason ?? TEXTS.signedOut;
  ui.login.disabled = false;
  showView('signed-out');
}

const note = warnDevelopers;

async function loadConfig(): Promise<ExampleAppConfig> {
  const response = await fetch('config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status} (see docs/local-development.md)`);
  return parseExampleAppConfig(await response.json());
}

class SignedInView {
  private renewTimer: number | undefined;
  private expiryTicker: number | undefined;
  private stopped = false;

  constructor(
    private readonly session: FaunaSession,
    private readonly renewBeforeMs: number,
    private readonly onSignInEnded: (err: unknown) => void,
  ) {}

  async show(): Promise<void> {
    showView('signed-in');
    this.expiryTicker = window.setInterval(() => this.renderExpiry(), 1000);
    await this.reload();
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.renewTimer);
    window.clearInterval(this.expiryTicker);
  }

  /** Reads the user and the notes; a query renews the secret first when it is due. */
  async reload(): Promise<void> {
    const [user, notes] = await Promise.all([this.session.query<UserDocument>(fql.me()), this.session.query<{ data: NoteDocument[] }>(fql.notes())]);
    if (this.stopped) return;
    ui.userName.textContent = user.data.name ?? '(no name)';
    ui.userEmail.textContent = user.data.email ?? '';
    this.renderNotes(notes.data);
    this.renderExpiry();
    this.scheduleReload();
  }

  /** Runs a change, then reloads; a problem is shown, or ends the sign-in. */
  async change(expr: ExprArg): Promise<boolean> {
    try {
      await this.session.query(expr);
      await this.reload();
      say(ui.status, undefined);
      return true;
    } catch (err) {
      this.failed('change', err);
      return false;
    }
  }

  failed(context: string, err: unknown): void {
    note(context, err);
    if (endsSignIn(err)) this.onSignInEnded(err);
    else say(ui.status, problemText(err));
  }

  private renderNotes(notes: readonly NoteDocument[]): void {
    ui.notes.replaceChildren(...notes.map((n) => this.noteItem(n)));
    ui.noNotes.hidden = notes.length > 0;
  }

  private noteItem(doc: NoteDocument): HTMLLIElement {
    const item = document.createElement('li');
    item.className = 'note';
    item.dataset.testid = 'note';
    const text = document.createElement('span');
    text.className = 'text';
    text.dataset.testid = 'note-body';
    text.textContent = doc.data.text;
    const edit = button('Edit', 'note-edit');
    const remove = button('Delete', 'note-delete');
    edit.addEventListener('click', () => this.editNote(item, doc));
    remove.addEventListener('click', () => {
      remove.disabled = true;
      void this.change(fql.deleteNote(doc.ref));
    });
    item.replaceChildren(text, edit, remove);
    return item;
  }

  private editNote(item: HTMLLIElement, doc: NoteDocument): void {
    const input = document.createElement('input');
    input.type = 'text';
    input.maxLength = NOTE_MAX_LENGTH;
    input.value = doc.data.text;
    input.dataset.testid = 'note-edit-text';
    const save = button('Save', 'note-save');
    const cancel = button('Cancel', 'note-cancel');
    save.addEventListener('click', () => {
      const text = input.value.trim();
      if (text === '') return;
      save.disabled = true;
      void this.change(fql.editNote(doc.ref, text)).then((ok) => {
        if (!ok) save.disabled = false;
      });
    });
    cancel.addEventListener('click', () => item.replaceWith(this.noteItem(doc)));
    item.replaceChildren(input, save, cancel);
    input.focus();
  }

  private renderExpiry(): void {
    const expiresAt = this.session.expiresAt;
    ui.secretExpiry.dataset.expiresAt = String(expiresAt);
    ui.secretExpiry.textContent = `${new Date(expiresAt).toLocaleTimeString()} (${timeLeft(expiresAt, Date.now())})`;
  }

  /** Comes back when the secret is due for renewal, so it is renewed (by that query) before it expires. */
  private scheduleReload(): void {
    window.clearTimeout(this.renewTimer);
    const left = this.session.expiresAt - Date.now();
    const delay = Math.max(1000, left > this.renewBeforeMs * 2 ? left - this.renewBeforeMs : left / 2);
    this.renewTimer = window.setTimeout(() => {
      this.reload().catch((err: unknown) => this.failed('renewal', err));
    }, delay);
  }
}

function button(label: string, testid: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'secondary';
  b.textContent = label;
  b.dataset.testid = testid;
  return b;
}

/**
 * How this page load starts: a callback from the login (a code, or an error), or a reload (a
 * silent sign-in, whose failure says why the session could not be restored).
 */
async function startSignIn(auth0: Auth0Client): Promise<{ signedIn: boolean; problem?: string; freshLogin: boolean }> {
  const params = new URLSearchParams(window.location.search);
  const clearUrl = () => window.history.replaceState({}, document.title, window.location.pathname);
  if (params.has('error')) {
    // Only the code picks a fixed text; error_description is anyone's words and is not shown.
    const code = params.get('error');
    clearUrl();
    say(ui.loginError, loginErrorText(code));
    return { signedIn: false, freshLogin: code === 'access_denied' };
  }
  if (params.has('code') && params.has('state')) {
    try {
      await auth0.handleRedirectCallback();
    } catch (err) {
      note('login callback', err);
      say(ui.loginError, isNetworkError(err) ? TEXTS.loginUnreachable : loginErrorText(oauthErrorCode(err)));
      clearUrl();
      return { signedIn: false, freshLogin: oauthErrorCode(err) === 'access_denied' };
    }
    clearUrl();
    return { signedIn: await auth0.isAuthenticated(), freshLogin: false };
  }
  try {
    await auth0.getTokenSilently();
    return { signedIn: true, freshLogin: false };
  } catch (err) {
    // Not signed in at the login: the ordinary signed-out state, nothing to explain.
    if (oauthErrorCode(err) === 'login_required') return { signedIn: false, freshLogin: false };
    note('restoring the session', err);
    return { signedIn: false, problem: restoreProblemText(err), freshLogin: oauthErrorCode(err) === 'access_denied' };
  }
}

async function main(): Promise<void> {
  showView('loading');
  const config = await loadConfig();
  const redirectUri = `${window.location.origin}/`;
  const auth0: Auth0Client = await createAuth0Client({
    domain: config.auth0Domain,
    clientId: config.auth0ClientId,
    authorizationParams: { redirect_uri: redirectUri, scope: 'openid profile email' },
    // The default memory cache: the ID token (and so the secret) never lands in localStorage.
    ...(config.useRefreshTokens === true ? { useRefreshTokens: true, useRefreshTokensFallback: true } : {}),
  });

  // After a refused login (e.g. a session older than a password change), the next login must
  // not complete silently on the same session: ask the login to authenticate again.
  let freshLogin = false;
  ui.login.addEventListener('click', () => {
    ui.login.disabled = true;
    say(ui.loginError, undefined);
    void auth0.loginWithRedirect(freshLogin ? { authorizationParams: { prompt: 'login' } } : undefined);
  });

  const start = await startSignIn(auth0);
  freshLogin = start.freshLogin;
  if (!start.signedIn) {
    showSignedOut(start.problem);
    return;
  }

  let view: SignedInView | undefined;
  let ended = false;
  /** The sign-in ended without this tab logging out: say why, forget auth0-spa-js's tokens, start over. */
  const endSignIn = (err: unknown) => {
    if (ended) return;
    ended = true;
    view?.stop();
    say(ui.status, undefined);
    freshLogin = true;
    showSignedOut(signInEndedText(err));
    // Clears the SDK's cache of this tab only (no redirect): the next login starts from nothing.
    void auth0.logout({ openUrl: false }).catch((e: unknown) => note('clearing the login cache', e));
  };

  let session: FaunaSession;
  try {
    session = FaunaSession.fromClaims(await auth0.getIdTokenClaims(), {
      endpoint: config.faunaEndpoint,
      namespace: config.claimNamespace,
      ...(config.renewBeforeMs === undefined ? {} : { renewBeforeMs: config.renewBeforeMs }),
      // A fresh ID token (the login Action runs again and mints a new secret), then its claims.
      renew: async () => {
        await auth0.getTokenSilently({ cacheMode: 'off' });
        return auth0.getIdTokenClaims();
      },
      onRenewError: (err) => {
        note('renewal ahead of expiry', err);
        say(ui.status, `${problemText(err)} (retrying)`);
      },
      onClose: endSignIn,
    });
  } catch (err) {
    note('reading the login', err);
    showSignedOut(problemText(err));
    return;
  }

  ui.profile.textContent = JSON.stringify(withoutFaunaClaims(await auth0.getUser(), config.claimNamespace) ?? {}, null, 2);
  view = new SignedInView(session, config.renewBeforeMs ?? 60_000, endSignIn);
  const signedInView = view;

  const logoutWith = (options: LogoutOptions) => {
    ui.logout.disabled = true;
    ui.logoutEverywhere.disabled = true;
    ended = true;
    signedInView.stop();
    session
      .logout(options)
      .catch((err: unknown) => note('ending the Fauna logins', err))
      .finally(() => void auth0.logout({ logoutParams: { returnTo: redirectUri } }));
  };
  ui.logout.addEventListener('click', () => logoutWith({}));
  // Another account in this browser (Auth0's prompt=login): the app's other tabs close their
  // sessions when this one starts with another account.
  ui.switchAccount.addEventListener('click', () => {
    ui.switchAccount.disabled = true;
    void auth0.loginWithRedirect({ authorizationParams: { prompt: 'login' } });
  });
  ui.logoutEverywhere.addEventListener('click', () => logoutWith({ everywhere: true }));
  ui.noteForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = ui.noteText.value.trim();
    if (text === '') return;
    ui.addNote.disabled = true;
    void signedInView
      .change(fql.addNote(text))
      .then((ok) => {
        if (ok) ui.noteText.value = '';
      })
      .finally(() => {
        ui.addNote.disabled = false;
      });
  });

  try {
    await view.show();
  } catch (err) {
    // The first read failed: the user is signed in at the login, but the data cannot be had.
    view.failed('first read', err);
  }
}

main().catch((err: unknown) => {
  note('starting', err);
  showSignedOut(isNetworkError(err) ? TEXTS.loginUnreachable : TEXTS.unexpected);
});
