/**
 * HTML of the test IdP's own pages. Plain forms, no script, so a person, Playwright and an
 * HTTP script can all use them. The ids below are a contract (see README.md); keep them stable.
 */

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;background:#f2f2f2;margin:0}
main{max-width:26rem;margin:3rem auto;background:#fff;padding:2rem 2.5rem;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:1.5rem;font-weight:600}label{display:block;margin:.8rem 0 .2rem}
input[type=text],input[type=email],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}
button{margin:1rem .5rem 0 0;padding:.5rem 1.4rem;font-size:1rem;border:0;background:#0067b8;color:#fff;cursor:pointer}
button.secondary{background:#ccc;color:#000}.error{color:#c00}.small{color:#555;font-size:.85rem}
</style>
</head>
<body><main>
<p class="small">azsess test identity provider (not Microsoft)</p>
${body}
</main></body>
</html>
`;
}

function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;
}

function errorLine(error: string | undefined): string {
  return error ? `<p id="error" class="error" role="alert">${escapeHtml(error)}</p>\n` : '';
}

/** "Enter code" page. Posts `confirm=yes` so oidc-provider skips its own confirmation step. */
export function deviceCodePage(options: { action: string; xsrf: string; userCode?: string; error?: string; declined?: boolean }): string {
  const declined = options.declined ? '<p id="declined">The sign-in request was declined. You can close this window.</p>\n' : '';
  return page('Enter code', `<h1>Enter code</h1>
${declined}${errorLine(options.error)}<p>Enter the code displayed on your app or device.</p>
<form id="device-code-form" method="post" action="${escapeHtml(options.action)}">
${hidden('xsrf', options.xsrf)}
${hidden('confirm', 'yes')}
<label for="user_code">Code</label>
<input type="text" id="user_code" name="user_code" value="${escapeHtml(options.userCode ?? '')}" autocomplete="off" autofocus>
<button type="submit" id="continue">Next</button>
</form>`);
}

/** oidc-provider's device confirmation step (only shown when a form posts without `confirm`). */
export function deviceConfirmPage(options: { action: string; xsrf: string; userCode: string; clientName: string }): string {
  return page('Confirm code', `<h1>Are you trying to sign in to ${escapeHtml(options.clientName)}?</h1>
<p>Code <code id="shown_user_code">${escapeHtml(options.userCode)}</code></p>
<form id="device-confirm-form" method="post" action="${escapeHtml(options.action)}">
${hidden('xsrf', options.xsrf)}
${hidden('user_code', options.userCode)}
<button type="submit" id="accept" name="confirm" value="yes">Continue</button>
<button type="submit" id="decline" name="abort" value="yes" class="secondary">Cancel</button>
</form>`);
}

export function loginPage(options: { action: string; clientName: string; username?: string; error?: string }): string {
  return page('Sign in to your account', `<h1>Sign in</h1>
<p>to continue to <strong id="client_name">${escapeHtml(options.clientName)}</strong></p>
${errorLine(options.error)}<form id="login-form" method="post" action="${escapeHtml(options.action)}">
<label for="username">Email or username</label>
<input type="email" id="username" name="username" value="${escapeHtml(options.username ?? '')}" autocomplete="username" autofocus>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password">
<button type="submit" id="sign-in">Sign in</button>
</form>`);
}

export function consentPage(options: {
  action: string; clientName: string; username: string; permissions: string[]; deviceFlow: boolean;
}): string {
  const question = options.deviceFlow
    ? `Are you trying to sign in to ${escapeHtml(options.clientName)}?`
    : `${escapeHtml(options.clientName)} wants to access your account`;
  const items = options.permissions.map((p) => `<li>${escapeHtml(p)}</li>`).join('\n');
  return page('Permissions requested', `<h1>${question}</h1>
<p>Signed in as <strong id="signed_in_user">${escapeHtml(options.username)}</strong></p>
<p>This app would like to:</p>
<ul id="permissions">
${items}
</ul>
<form id="consent-form" method="post" action="${escapeHtml(options.action)}">
<button type="submit" id="accept" name="action" value="accept">Accept</button>
<button type="submit" id="decline" name="action" value="decline" class="secondary">Decline</button>
</form>`);
}

export function successPage(clientName: string): string {
  return page('Signed in', `<h1 id="success">You have signed in to ${escapeHtml(clientName)}</h1>
<p>You may now close this window.</p>`);
}

export function errorPage(title: string, message: string, status?: number): string {
  const code = status === undefined ? '' : `<p class="small">HTTP ${status}</p>\n`;
  return page(title, `<h1 id="error-title">${escapeHtml(title)}</h1>
${code}<p id="error" class="error">${escapeHtml(message)}</p>`);
}
