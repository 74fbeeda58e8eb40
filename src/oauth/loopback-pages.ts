/**
 * The pages azsess's loopback listener shows in the browser. They carry no script, no external
 * resource and never the code or a token; the headers keep the address (which holds the code)
 * out of any Referer and out of caches.
 */

export interface Page {
  status: number;
  html: string;
}

export const pageHeaders: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(status: number, id: string, title: string, text: string): Page {
  const html =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">' +
    `<title>azsess: ${escapeHtml(title)}</title>` +
    '<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;line-height:1.5}</style>' +
    `</head><body><h1 id="${id}">${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`;
  return { status, html };
}

export const successPage = (): Page =>
  page(200, 'signed-in', 'Signed in', 'azsess has received the sign-in. You can close this tab and go back to the terminal.');

/** The identity provider's error, as text (escaped here; it came over the network). */
export const failurePage = (error: string, description: string): Page =>
  page(200, 'sign-in-failed', 'Sign-in failed', `${(description || error).replace(/[.\s]+$/, '')} (${error}). You can close this tab; the terminal says what to do next.`);

export const ignoredPage = (): Page =>
  page(
    400,
    'ignored',
    'Not the sign-in azsess is waiting for',
    'This answer does not belong to the sign-in azsess started, so it was ignored. Finish the sign-in in the tab azsess opened.',
  );

export const notFoundPage = (): Page => page(404, 'not-found', 'Not found', 'azsess is waiting for a sign-in answer on another path.');
