/** Login hosts of the national clouds (entra-protocol.md 1.1). */
export const clouds = {
  public: 'https://login.microsoftonline.com',
  usgov: 'https://login.microsoftonline.us',
  china: 'https://login.chinacloudapi.cn',
} as const;

export type CloudName = keyof typeof clouds;

/** Two login hosts as stored and asked for: no case, no trailing slash; absent means the public cloud's. */
export function sameAuthority(a: string | undefined, b: string | undefined): boolean {
  const norm = (v: string | undefined) => withoutTrailingSlashes((v ?? clouds.public).toLowerCase());
  return norm(a) === norm(b);
}

export function withoutTrailingSlashes(text: string): string {
  return text.replace(/\/+$/, '');
}

/** True for 127.0.0.0/8, ::1 and localhost: the only hosts azsess talks plain http to. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  // Dotted quads only (URL parsing has already turned other IPv4 spellings into these).
  if (/^127(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(host)) return true;
  return host === '::1' || host === '0:0:0:0:0:0:0:1';
}

export type AuthorityCheck = { ok: true; url: string } | { ok: false; problem: string };

/**
 * Normalises an authority host given with or without a scheme to `scheme://host[:port]`. https
 * is required; plain http only for a loopback host (a test identity provider), so a typo or a
 * hostile environment variable cannot send a refresh token in clear text.
 */
export function normaliseAuthority(input: string): AuthorityCheck {
  const trimmed = withoutTrailingSlashes(input.trim());
  if (trimmed === '') return { ok: false, problem: 'it is empty' };
  const plain = plainAuthority(trimmed);
  return plain ? { ok: true, url: plain } : authorityByUrl(trimmed);
}

/** normaliseAuthority's full check, with `URL`, of an input already trimmed. */
export function authorityByUrl(trimmed: string): AuthorityCheck {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false, problem: 'it is not a host name or URL' };
  }
  if (url.username || url.password) {
    return { ok: false, problem: 'it carries a user name or password (user:password@), which azsess never sends to a login host; give the bare host' };
  }
  // URL parsing reads "5" as 0.0.0.5 and "0x7f.1" as 127.0.0.1: an address must be written in full.
  const given = withScheme.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split(/[/?#]/)[0]!.replace(/:\d*$/, '').toLowerCase();
  if (/^\d+(\.\d+){3}$/.test(url.hostname) && given !== url.hostname) {
    return { ok: false, problem: 'it is not a host name such as login.microsoftonline.com (an IP address must be written as four numbers)' };
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    return { ok: false, problem: 'it must be a bare host such as login.microsoftonline.com, with no path or query' };
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return { ok: false, problem: 'plain http is allowed only for a loopback host; use https' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, problem: `the scheme ${url.protocol.slice(0, -1)} is not supported; use https` };
  }
  return { ok: true, url: `${url.protocol}//${url.host}` };
}

const digits = '0123456789';
const hostCharacters = `abcdefghijklmnopqrstuvwxyz${digits}.-`;

function isNumber(text: string): boolean {
  return text !== '' && [...text].every((c) => digits.includes(c)) && (text === '0' || text[0] !== '0');
}

/**
 * The commonest authorities (`https://login.microsoftonline.us`, `http://127.0.0.1:8400`) as
 * `new URL` would normalise them, without it: the first `URL` of a process costs a cache hit
 * about 0.3 ms. Lower-case `https://` or `http://`, a host of letters, digits, dots and hyphens
 * whose last label starts with a letter (so no IPv4 reading applies) or a dotted quad, and a port
 * other than the scheme's default. Anything else gives undefined, for the full check with `URL`.
 */
export function plainAuthority(trimmed: string): string | undefined {
  const scheme = trimmed.startsWith('https://') ? 'https:' : trimmed.startsWith('http://') ? 'http:' : undefined;
  if (!scheme) return undefined;
  const [host = '', port, ...more] = trimmed.slice(scheme.length + 2).split(':');
  if (more.length > 0 || (port !== undefined && !(isNumber(port) && port.length <= 5 && Number(port) <= 65535))) return undefined;
  if (port === (scheme === 'https:' ? '443' : '80')) return undefined;
  const labels = host.split('.');
  if (![...host].every((c) => hostCharacters.includes(c)) || labels.some((l) => l === '') || host.includes('xn--')) return undefined;
  const quad = labels.length === 4 && labels.every((l) => isNumber(l) && Number(l) <= 255);
  const endsWithName = labels[labels.length - 1]! >= 'a'; // its last label starts with a letter
  if (!quad && !endsWithName) return undefined;
  const loopback = host === 'localhost' || host.endsWith('.localhost') || (quad && labels[0] === '127');
  if (scheme === 'http:' && !loopback) return undefined;
  return `${scheme}//${host}${port === undefined ? '' : `:${port}`}`;
}

/** An authority as given, fit to print: any `user:password@` becomes `***@`. */
export function displayAuthority(input: string): string {
  const masked = input.replace(/^((?:[a-z][a-z0-9+.-]*:)?\/\/)?[^/?#\s]*@/i, '$1***@');
  if (masked !== input) return masked;
  // `user:password@` whose password holds `/`, `?` or `#` (a value that is no valid URL): up to the last `@`.
  const scheme = /^(?:[a-z][a-z0-9+.-]*:)?\/\//i.exec(input)?.[0] ?? '';
  return scheme + input.slice(scheme.length).replace(/^[^\s/?#@:]*:\S*@/, '***@');
}

/** A URL azsess may send a credential to: https, or http to loopback. */
export function isAllowedUrl(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}
