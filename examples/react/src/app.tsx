/**
 * The page: one view per state of useFauna(). Signed in, the user's name from Fauna, the time
 * left on the secret (ticking), their notes (list, add, edit, delete), the profile without the
 * Fauna claims, Log out, Log out everywhere, Switch account. The provider renews the secret in
 * the query that needs it; the page re-reads when the secret is due, so renewal happens while it
 * is open. Every problem is a fixed sentence (examples/shared/messages.ts).
 */
import { useAuth0 } from '@auth0/auth0-react';
import { useFauna, type FaunaState } from 'auth0-fauna-client/react';
import type { ExprArg } from 'faunadb';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { timeLeft } from '../../shared/format';
import { TEXTS, isNetworkError, loginErrorText, oauthErrorCode, problemText, restoreProblemText, signInEndedText, warnDevelopers } from '../../shared/messages';
import { NOTE_MAX_LENGTH, fql, type NoteDocument, type UserDocument } from '../../shared/notes';

export interface Startup {
  /** The `error` code the page was opened with (a refused login, or anyone's link). */
  readonly loginError: string | undefined;
  /** The page is the login's callback (`state` with `code` or `error`). */
  readonly fromLogin: boolean;
}

interface AppProps {
  readonly startup: Startup;
  readonly redirectUri: string;
  readonly renewBeforeMs: number;
  readonly renewProblem: string | undefined;
  readonly clearRenewProblem: () => void;
}

type Ready = Extract<FaunaState, { status: 'ready' }>;

export function App({ startup, redirectUri, renewBeforeMs, renewProblem, clearRenewProblem }: AppProps) {
  const fauna = useFauna();
  const { loginWithRedirect } = useAuth0();
  const settled = fauna.status !== 'loading';
  // Once auth0-react has read the callback, the URL forgets it (the code, or the error's words).
  useEffect(() => {
    if (settled && window.location.search !== '') window.history.replaceState({}, document.title, window.location.pathname);
  }, [settled]);

  switch (fauna.status) {
    case 'loading':
    case 'logging-out':
      return (
        <section className="card muted" data-testid="loading">
          {TEXTS.loading}
        </section>
      );
    case 'signed-out': {
      const code = startup.loginError ?? oauthErrorCode(fauna.error);
      const fromLogin = startup.loginError !== undefined || startup.fromLogin;
      const loginError = fromLogin && code !== undefined ? (isNetworkError(fauna.error) ? TEXTS.loginUnreachable : loginErrorText(code)) : undefined;
      // A reload whose session could not be restored says why (not signed in is no problem).
      const restore = !fromLogin && fauna.error !== undefined ? restoreProblemText(fauna.error) : undefined;
      // After a refused login the Auth0 session still stands: ask for the password again.
      const fresh = code === 'access_denied' ? { authorizationParams: { prompt: 'login' as const } } : undefined;
      return <SignedOut loginError={loginError} text={restore ?? TEXTS.signedOut} onLogin={() => fauna.login(fresh)} />;
    }
    case 'closed':
      // Another tab logged out or signed in as someone else, or the secret was revoked: say which.
      return <SignedOut text={signInEndedText(fauna.reason)} onLogin={() => fauna.startOver()} />;
    case 'error':
      return <NoDatabase text={problemText(fauna.error)} onLogout={() => fauna.logout({ logoutParams: { returnTo: redirectUri } })} />;
    case 'ready':
      return (
        <SignedIn
          fauna={fauna}
          redirectUri={redirectUri}
          renewBeforeMs={renewBeforeMs}
          renewProblem={renewProblem}
          clearRenewProblem={clearRenewProblem}
          onSwitchAccount={() => loginWithRedirect({ authorizationParams: { prompt: 'login' } })}
        />
      );
  }
}

function SignedOut({ text, loginError, onLogin }: { text: string; loginError?: string | undefined; onLogin: () => Promise<void> }) {
  const [leaving, setLeaving] = useState(false);
  return (
    <>
      {loginError === undefined ? null : (
        <p className="problem" data-testid="login-error" role="alert">
          {loginError}
        </p>
      )}
      <section className="card">
        <p data-testid="signed-out-text">{text}</p>
        <button
          data-testid="login"
          type="button"
          disabled={leaving}
          onClick={() => {
            setLeaving(true);
            onLogin().catch((err: unknown) => {
              warnDevelopers('login', err);
              setLeaving(false);
            });
          }}
        >
          Log in
        </button>
      </section>
    </>
  );
}

function NoDatabase({ text, onLogout }: { text: string; onLogout: () => Promise<void> }) {
  return (
    <section className="card">
      <p data-testid="signed-out-text">{text}</p>
      <button data-testid="logout" type="button" className="secondary" onClick={() => void onLogout().catch((err: unknown) => warnDevelopers('logout', err))}>
        Log out
      </button>
    </section>
  );
}

interface SignedInProps {
  readonly fauna: Ready;
  readonly redirectUri: string;
  readonly renewBeforeMs: number;
  readonly renewProblem: string | undefined;
  readonly clearRenewProblem: () => void;
  readonly onSwitchAccount: () => Promise<void>;
}

function SignedIn({ fauna, redirectUri, renewBeforeMs, renewProblem, clearRenewProblem, onSwitchAccount }: SignedInProps) {
  const { query, expiresAt } = fauna;
  const [me, setMe] = useState<UserDocument>();
  const [notes, setNotes] = useState<readonly NoteDocument[]>();
  const [problem, setProblem] = useState<string>();
  const [reloads, setReloads] = useState(0);
  const [leaving, setLeaving] = useState(false);
  const [now, setNow] = useState(() => Date.now());

  /** A problem is shown; one that ends the sign-in also turns the provider's state to closed. */
  const failed = useCallback((context: string, err: unknown) => {
    warnDevelopers(context, err);
    setProblem(problemText(err));
  }, []);

  /** Reads the user and the notes; a query renews the secret first when it is due. */
  const reload = useCallback(async () => {
    const [user, list] = await Promise.all([query<UserDocument>(fql.me()), query<{ data: NoteDocument[] }>(fql.notes())]);
    setMe(user);
    setNotes(list.data);
    setReloads((n) => n + 1);
    clearRenewProblem();
  }, [query, clearRenewProblem]);

  useEffect(() => {
    reload().catch((err: unknown) => failed('first read', err));
  }, [reload, failed]);

  // The time left, ticking.
  useEffect(() => {
    const ticker = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(ticker);
  }, []);

  // Comes back when the secret is due, so it is renewed (by that query) before it expires.
  useEffect(() => {
    const left = expiresAt - Date.now();
    const delay = Math.max(1000, left > renewBeforeMs * 2 ? left - renewBeforeMs : left / 2);
    const timer = window.setTimeout(() => reload().catch((err: unknown) => failed('renewal', err)), delay);
    return () => window.clearTimeout(timer);
  }, [expiresAt, reloads, renewBeforeMs, reload, failed]);

  /** Runs a change, then reloads; resolves whether it worked. */
  const change = async (expr: ExprArg): Promise<boolean> => {
    try {
      await query(expr);
      await reload();
      setProblem(undefined);
      return true;
    } catch (err) {
      failed('change', err);
      return false;
    }
  };

  const logout = (everywhere: boolean) => {
    setLeaving(true);
    // The Fauna logins end first; then auth0-react's logout leaves for the login's /v2/logout.
    fauna.logout({ everywhere, logoutParams: { returnTo: redirectUri } }).catch((err: unknown) => warnDevelopers('ending the Fauna logins', err));
  };

  const status = problem ?? renewProblem;
  return (
    <>
      {status === undefined ? null : (
        <p className="problem" data-testid="status" role="status">
          {status}
        </p>
      )}
      <section className="card">
        <div className="who">
          <div>
            <div className="label">Signed in as (read from Fauna)</div>
            <div className="name" data-testid="user-name">
              {me === undefined ? '' : (me.data.name ?? '(no name)')}
            </div>
            <div className="muted">{me?.data.email ?? ''}</div>
          </div>
          <div className="actions">
            <button data-testid="logout" type="button" className="secondary" disabled={leaving} onClick={() => logout(false)}>
              Log out
            </button>
            <button data-testid="logout-everywhere" type="button" className="secondary" disabled={leaving} onClick={() => logout(true)}>
              Log out everywhere
            </button>
            <button
              data-testid="switch-account"
              type="button"
              className="secondary"
              disabled={leaving}
              onClick={() => {
                setLeaving(true);
                onSwitchAccount().catch((err: unknown) => warnDevelopers('switching account', err));
              }}
            >
              Switch account
            </button>
          </div>
        </div>
        <div className="label">Fauna secret expires</div>
        <div data-testid="secret-expiry" data-expires-at={expiresAt}>
          {new Date(expiresAt).toLocaleTimeString()} ({timeLeft(expiresAt, now)})
        </div>

        <h2>Your notes</h2>
        <NoteForm onAdd={(text) => change(fql.addNote(text))} />
        <ul data-testid="notes">
          {(notes ?? []).map((note) => (
            <NoteItem key={note.ref.id} note={note} onSave={(text) => change(fql.editNote(note.ref, text))} onDelete={() => change(fql.deleteNote(note.ref))} />
          ))}
        </ul>
        {notes?.length === 0 ? (
          <p className="muted" data-testid="no-notes">
            No notes yet. Only you can see yours.
          </p>
        ) : null}

        <details className="profile">
          <summary>Your Auth0 profile, as the app may show or log it (Fauna claims removed)</summary>
          <pre data-testid="profile">{JSON.stringify(fauna.user, null, 2)}</pre>
        </details>
      </section>
    </>
  );
}

function NoteForm({ onAdd }: { onAdd: (text: string) => Promise<boolean> }) {
  const [draft, setDraft] = useState('');
  const [adding, setAdding] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = draft.trim();
    if (text === '') return;
    setAdding(true);
    void onAdd(text)
      .then((ok) => {
        if (ok) setDraft('');
      })
      .finally(() => setAdding(false));
  };
  return (
    <form data-testid="note-form" onSubmit={submit}>
      <input
        data-testid="note-text"
        type="text"
        maxLength={NOTE_MAX_LENGTH}
        placeholder="Write a note"
        autoComplete="off"
        required
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
      />
      <button data-testid="add-note" type="submit" disabled={adding}>
        Add
      </button>
    </form>
  );
}

function NoteItem({ note, onSave, onDelete }: { note: NoteDocument; onSave: (text: string) => Promise<boolean>; onDelete: () => Promise<boolean> }) {
  const [editing, setEditing] = useState<string>();
  const [busy, setBusy] = useState(false);
  const run = (action: () => Promise<boolean>) => {
    setBusy(true);
    void action().then((ok) => {
      setBusy(false);
      if (ok) setEditing(undefined);
    });
  };
  if (editing !== undefined) {
    return (
      <li className="note" data-testid="note">
        <input data-testid="note-edit-text" type="text" maxLength={NOTE_MAX_LENGTH} value={editing} autoFocus onChange={(event) => setEditing(event.target.value)} />
        <button
          data-testid="note-save"
          type="button"
          className="secondary"
          disabled={busy}
          onClick={() => {
            const text = editing.trim();
            if (text !== '') run(() => onSave(text));
          }}
        >
          Save
        </button>
        <button data-testid="note-cancel" type="button" className="secondary" onClick={() => setEditing(undefined)}>
          Cancel
        </button>
      </li>
    );
  }
  return (
    <li className="note" data-testid="note">
      <span className="text" data-testid="note-body">
        {note.data.text}
      </span>
      <button data-testid="note-edit" type="button" className="secondary" onClick={() => setEditing(note.data.text)}>
        Edit
      </button>
      <button data-testid="note-delete" type="button" className="secondary" disabled={busy} onClick={() => run(onDelete)}>
        Delete
      </button>
    </li>
  );
}
