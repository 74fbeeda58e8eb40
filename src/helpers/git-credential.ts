import { isLoopbackHost } from '../domain/authority.js';
import { UsageError } from '../domain/errors.js';

/**
 * git's credential helper protocol (git-credential(1)): `key=value` lines in, `key=value` lines
 * out. azsess answers only for the hosts it is allowed to, so an Azure token never reaches another
 * host; for the rest it prints nothing and git moves on to its next helper.
 */

export const gitCredentialActions = ['get', 'store', 'erase'] as const;
export type GitCredentialAction = (typeof gitCredentialActions)[number];

export function isGitCredentialAction(value: string): value is GitCredentialAction {
  return (gitCredentialActions as readonly string[]).includes(value);
}

/** Azure DevOps' resource: its tokens are accepted as the Basic password by dev.azure.com. */
export const devopsScope = '499b84ac-1321-427f-aa17-267ca6975798/.default';

/** Azure DevOps Services hosts; `*` stands for one DNS label, as in git's own URL matching. */
export const defaultGitHosts = ['dev.azure.com', '*.visualstudio.com'] as const;

/** The fields of a request; keys git may add later are kept but not used. */
export type GitCredentialRequest = Record<string, string>;

/** Reads `key=value` lines up to the first blank line (or the end); lines without `=` are ignored. */
export function parseGitCredentialRequest(text: string): GitCredentialRequest {
  const request: GitCredentialRequest = {};
  for (const line of text.split('\n')) {
    const clean = line.replace(/\r$/, '');
    if (clean === '') break;
    const eq = clean.indexOf('=');
    if (eq <= 0) continue;
    request[clean.slice(0, eq)] = clean.slice(eq + 1);
  }
  return request;
}

const hostShape = /^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?::\d{1,5})?$/i;

/** Checks an `--allow-host` value: a host, optionally `*.` first and `:port` last. */
export function parseAllowHost(value: string): string {
  const host = value.trim().toLowerCase();
  if (!hostShape.test(host)) {
    throw new UsageError(`--allow-host '${value}' is not a host; give one such as git.example.com, git.example.com:8443 or *.example.com.`);
  }
  return host;
}

/** `*.example.com` matches `a.example.com` (one label), anything else matches itself; ports must agree. */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (!p.startsWith('*.')) return p === h;
  const suffix = p.slice(1);
  return h.endsWith(suffix) && /^[a-z0-9-]+$/.test(h.slice(0, -suffix.length));
}

/**
 * True when azsess may answer: the host is allowed and the token would travel over https (plain
 * http only to a loopback host, such as a test server).
 */
export function isAllowedRequest(request: GitCredentialRequest, allowHosts: readonly string[]): boolean {
  const host = request.host;
  if (!host) return false;
  const hostname = host.replace(/:\d+$/, '');
  const secure = request.protocol === 'https' || (request.protocol === 'http' && isLoopbackHost(hostname));
  return secure && allowHosts.some((pattern) => hostMatches(pattern, host));
}

export interface GitCredential {
  token: string;
  expiry: Date;
}

export interface GitCredentialDeps {
  /** A DevOps access token: from the cache, else refreshed, else after a sign-in. */
  token(): Promise<GitCredential>;
  /** Drops the cached access token (keeping the refresh token), so the next `get` gets a new one. */
  forget(): Promise<void>;
}

/** The answer to `get`: a Basic user name (git's, else `azsess`), the token as password, its expiry. */
export function formatGitCredential(request: GitCredentialRequest, credential: GitCredential): string {
  const username = request.username || 'azsess';
  const expiry = Math.floor(credential.expiry.getTime() / 1000);
  return `username=${username}\npassword=${credential.token}\npassword_expiry_utc=${expiry}\n`;
}

/** One helper call: what to print on stdout (often nothing). */
export async function handleGitCredential(
  action: GitCredentialAction,
  input: string,
  allowHosts: readonly string[],
  deps: GitCredentialDeps,
): Promise<string> {
  if (action === 'store') return '';
  const request = parseGitCredentialRequest(input);
  if (!isAllowedRequest(request, allowHosts)) return '';
  if (action === 'erase') {
    await deps.forget();
    return '';
  }
  return formatGitCredential(request, await deps.token());
}
