/** A redirect URI azsess can listen on itself. */
export interface LoopbackRedirect {
  /** The URI as recorded in the session (normalised by URL: `http://localhost` gains a `/`). */
  uri: string;
  /** `localhost`, a 127.0.0.0/8 address, or `::1`. */
  host: string;
  /** 0: any free port, chosen when the listener starts. */
  port: number;
  /** The path the answer comes back on. */
  path: string;
}

export type RedirectCheck = ({ ok: true } & LoopbackRedirect) | { ok: false; problem: string };

/** The port written in the text, even the scheme's default (URL drops `:80`); 0 when none is written. */
function writtenPort(text: string, url: URL): number {
  if (url.port !== '') return Number(url.port);
  const explicit = /^[a-z][a-z0-9+.-]*:\/\/(?:\[[^\]]*\]|[^/:?#]*):(\d+)/i.exec(text.trim());
  return explicit ? Number(explicit[1]) : 0;
}

/** URL has already normalised the host: IPv4 as a dotted quad, IPv6 compressed (no node:net on start-up). */
function loopbackName(hostname: string): string | undefined {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1') return host;
  if (/^127(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(host)) return host;
  return undefined;
}

/**
 * Checks a redirect URI for the auth code flow. azsess receives the answer itself, so the URI
 * must be plain http to a loopback host (RFC 8252 §7.3; Entra allows http only there), without a
 * query or fragment (entra-protocol.md 3.3).
 */
export function checkRedirectUri(text: string): RedirectCheck {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { ok: false, problem: 'it is not a URL such as http://localhost:44300/reply' };
  }
  if (url.protocol !== 'http:') {
    return { ok: false, problem: 'azsess receives the sign-in answer itself over plain http on this machine, so it must start with http://localhost' };
  }
  const host = loopbackName(url.hostname);
  if (!host) return { ok: false, problem: `${url.hostname} is not a loopback host; use localhost (or 127.0.0.1)` };
  if (url.username || url.password || url.search || url.hash) {
    return { ok: false, problem: 'it must not carry a user name, a query or a fragment' };
  }
  return { ok: true, uri: url.href, host, port: writtenPort(text, url), path: url.pathname || '/' };
}
