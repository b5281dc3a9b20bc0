import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '@rampart/security';

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Rampart reference app</title>
    <script src="/login.js" defer></script>
  </head>
  <body>
    <main>
      <h1>Sign in</h1>
      <form id="login">
        <label>Username <input name="username" autocomplete="username" required /></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
        <button type="submit">Sign in</button>
      </form>
      <p id="status" role="status"></p>
      <form id="note" method="post" action="/notes" hidden>
        <input type="hidden" name="_csrf" />
        <label>Note <input name="text" required /></label>
        <button type="submit">Save note</button>
      </form>
      <p>Cookies this page's scripts can read: <output id="cookies"></output></p>
    </main>
  </body>
</html>
`;

const SCRIPT = `'use strict';
document.getElementById('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const response = await fetch('/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: form.get('username'), password: form.get('password') }),
  });
  const status = document.getElementById('status');
  if (!response.ok) {
    status.textContent = 'Sign-in failed (' + response.status + ').';
    return;
  }
  const { csrfToken } = await response.json();
  const note = document.getElementById('note');
  note.elements.namedItem('_csrf').value = csrfToken;
  note.hidden = false;
  status.textContent = 'Signed in.';
  document.getElementById('cookies').textContent = document.cookie || '(none)';
});
`;

/**
 * A small login page for browsers (and the browser e2e): signs in with `POST /auth/login`, then
 * shows a plain HTML form that posts a note to `/notes` with the session's CSRF token in the
 * `_csrf` field. No inline script (the CSP forbids it): the script is served from `/login.js`.
 */
@Public()
@Controller()
export class LoginPageController {
  @Get('login')
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return PAGE;
  }

  @Get('login.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  script(): string {
    return SCRIPT;
  }
}
