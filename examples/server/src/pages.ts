/** The example's two pages, as plain HTML forms: no script runs in the browser at all. */

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const layout = (body: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>auth0-fauna server-side example</title><link rel="stylesheet" href="/style.css"></head>
<body><header><h1>auth0-fauna <span>server-side example</span></h1>
<p>The Fauna secret stays on this server, in your encrypted session; the browser holds only a cookie.</p></header>
<main>${body}</main></body></html>`;

export function signedOutPage(problem?: string): string {
  return layout(`${problem === undefined ? '' : `<p class="problem" data-testid="status" role="alert">${escapeHtml(problem)}</p>`}
<section class="card"><p>You are signed out.</p><a class="button" href="/login" data-testid="login">Log in</a></section>`);
}

export interface NotesPageData {
  readonly name: string;
  readonly email: string;
  readonly secretExpiresAt: number;
  readonly notes: readonly { readonly id: string; readonly text: string }[];
  readonly csrfToken: string;
}

export function notesPage(data: NotesPageData): string {
  const csrf = `<input type="hidden" name="_csrf" value="${escapeHtml(data.csrfToken)}">`;
  const notes = data.notes.map((n) => `<li data-testid="note" data-id="${escapeHtml(n.id)}">${escapeHtml(n.text)}</li>`).join('');
  return layout(`<section class="card">
<div class="who"><div><div class="label">Signed in as (read from Fauna)</div>
<div class="name" data-testid="user-name">${escapeHtml(data.name)}</div><div class="muted">${escapeHtml(data.email)}</div></div>
<form method="post" action="/logout">${csrf}<button type="submit" class="secondary" data-testid="logout">Log out</button></form></div>
<div class="label">Fauna secret (kept on the server) expires</div>
<div data-testid="secret-expiry" data-expires-at="${data.secretExpiresAt}">${new Date(data.secretExpiresAt).toISOString()}</div>
<h2>Your notes</h2>
<form method="post" action="/notes" data-testid="note-form">${csrf}
<input name="text" data-testid="note-text" type="text" maxlength="500" placeholder="Write a note" autocomplete="off" required>
<button type="submit" data-testid="add-note">Add</button></form>
<ul data-testid="notes">${notes}</ul>
${data.notes.length === 0 ? '<p class="muted" data-testid="no-notes">No notes yet. Only you can see yours.</p>' : ''}
<meta name="csrf-token" content="${escapeHtml(data.csrfToken)}">
</section>`);
}

export const STYLE = `body { font: 16px/1.5 system-ui, sans-serif; background: #f4f5f7; color: #1d2330; margin: 0; }
header, main { max-width: 40rem; margin: 0 auto; padding: 1rem; }
h1 span { color: #5b6475; font-weight: normal; font-size: 1rem; }
.card { background: #fff; border-radius: 10px; padding: 1.5rem; box-shadow: 0 2px 12px rgba(0,0,0,.08); }
.who { display: flex; justify-content: space-between; align-items: start; }
.label, .muted { color: #5b6475; font-size: .9rem; }
.name { font-size: 1.3rem; font-weight: 600; }
.problem { color: #a61e1e; }
button, .button { padding: .5rem 1rem; border-radius: 8px; border: 1px solid #3b5bdb; background: #3b5bdb; color: #fff; font: inherit; text-decoration: none; cursor: pointer; }
button.secondary { background: #fff; color: #3b5bdb; }
input[type=text] { padding: .5rem; width: 60%; font: inherit; }
`;
