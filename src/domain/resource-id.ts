import { UsageError } from './errors.js';
import { isWhitespace, oidcScopes, resourceOfScope, resourceOfScopes } from './scopes.js';

/**
 * What one resource is, for every decision that grants or removes something (serve's
 * --allow-resource, clear-cache --scope, a cached token for a request, one stored session per
 * resource): its whole app ID URI, scheme, host and path, without regard to case (Entra keeps app
 * ID URIs unique that way) and with trailing slashes ignored. `api://<app id>` and the bare app id
 * are one app, and so are the aliases Entra itself treats as one (entra-protocol.md 8.1).
 * AzSessions.jl compares only `https://host`; that is never read into a match here.
 */

/** The canonical form of a resource or of an `aud` claim: comparable with `===`, never sent. */
export function resourceKey(value: string): string {
  let key = value.trim().toLowerCase();
  let end = key.length;
  while (end > 0 && key.charCodeAt(end - 1) === 0x2f) end--;
  if (end !== key.length) key = key.slice(0, end);
  if (key.startsWith('api://') && isGuid(key, 6)) key = key.slice(6);
  return aliases.get(key) ?? key;
}

/** True when two spellings name one app. */
export function sameResource(a: string, b: string): boolean {
  return resourceKey(a) === resourceKey(b);
}

/** True when a token's `aud` (one value or a list) is meant for this resource. */
export function audienceMatches(aud: string | string[] | undefined, resource: string): boolean {
  if (aud === undefined) return false;
  const want = resourceKey(resource);
  const auds = Array.isArray(aud) ? aud : [aud];
  return auds.some((a) => resourceKey(a) === want);
}

/**
 * The OIDC scopes and the scopes of the first resource named: what a code redemption may ask,
 * since Entra refuses several resources there (entra-protocol.md 3.5).
 */
export function scopesOfFirstResource(scopes: readonly string[]): string[] {
  const first = resourceOfScopes(scopes);
  return scopes.filter((s) => {
    if (oidcScopes.has(s) || first === undefined) return true;
    const resource = resourceOfScope(s);
    // A bare permission such as User.Read belongs to Graph, never to a named resource.
    return resource !== undefined && sameResource(resource, first);
  });
}

/** Microsoft Graph's application id: Entra's v2 tokens for Graph carry it as `aud`. */
const graphAppId = '00000003-0000-0000-c000-000000000000';

/** Spellings Entra gives one app, to the one this module compares (keys are already canonical). */
const aliases: ReadonlyMap<string, string> = new Map([
  // Azure Resource Manager: the v1 URI azure-cli asks for, and the `aud` Entra gives either.
  ['https://management.core.windows.net', 'https://management.azure.com'],
  ['https://graph.microsoft.com', graphAppId],
]);

function isGuid(text: string, from: number): boolean {
  if (text.length - from !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = text.charCodeAt(from + i);
    const dash = i === 8 || i === 13 || i === 18 || i === 23;
    if (dash ? c !== 0x2d : !((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

/**
 * A scope's canonical form: its resource's key and the permission without case (`.default`,
 * `user_impersonation`); an OIDC scope or a bare permission is its lower case.
 */
export function scopeKey(scope: string): string {
  const slash = scope.lastIndexOf('/');
  // `api://x` or `https://x` alone has no permission: its slashes are the scheme's.
  if (slash <= 0 || scope.charCodeAt(slash - 1) === 0x3a || (scope.charCodeAt(slash - 1) === 0x2f && scope.charCodeAt(slash - 2) === 0x3a)) {
    return scope.trim().toLowerCase();
  }
  return `${resourceKey(scope.slice(0, slash))}/${scope.slice(slash + 1).trim().toLowerCase()}`;
}

/**
 * Each scope's key, kept: a cache hit compares the query with every stored session, and the same
 * few strings come back each time (bounded, for a long-running serve asked anything).
 */
const scopeKeys = new Map<string, string>();

function keptScopeKey(scope: string): string {
  let key = scopeKeys.get(scope);
  if (key === undefined) {
    if (scopeKeys.size >= 4096) scopeKeys.clear();
    key = scopeKey(scope);
    scopeKeys.set(scope, key);
  }
  return key;
}

/** Equal as sets of canonical scopes, whatever the order, separator or spelling. */
export function sameScopeKeys(a: readonly string[], b: readonly string[]): boolean {
  // Spelt alike, as a session usually is with the query that made it.
  if (a.length === b.length && a.every((s, i) => s === b[i])) return true;
  const left = a.map(keptScopeKey);
  const right = b.map(keptScopeKey);
  return left.every((k) => right.includes(k)) && right.every((k) => left.includes(k));
}

/** Longer than any app ID URI Entra takes (it allows 120 characters for the host part). */
export const maxResourceLength = 2048;

/**
 * Why a value cannot be a resource or scope (spaces or control characters inside, too long),
 * or undefined when it can be. Surrounding whitespace is no reason: it is trimmed.
 */
export function resourceProblem(value: string): string | undefined {
  const text = value.trim();
  if (text === '') return 'it is empty';
  if (text.length > maxResourceLength) return `it is longer than ${maxResourceLength} characters`;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return 'it holds a control character';
    if (isWhitespace(c)) return 'it holds a space';
  }
  return undefined;
}

/** What to give instead of a value that is not a resource. */
export const resourceHint = 'give an app ID URI such as https://storage.azure.com, or an app id';

/** The value trimmed, or a usage error naming `what` (`--resource`, `--scope`, `resource`). */
export function checkedResource(value: string, what: string): string {
  const problem = resourceProblem(value);
  if (problem) {
    throw new UsageError(`${what} '${printable(value)}' is not a resource (${problem}); ${resourceHint}.`);
  }
  return value.trim();
}

/** Short and printable, for a message about a value that may be anything. */
function printable(value: string): string {
  const clean = value.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 80 ? `${clean.slice(0, 80)}...` : clean;
}
