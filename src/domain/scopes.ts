import { schemeEnd } from './host-names.js';

/**
 * Scopes and resources, as Entra and AzSessions.jl spell them. A scope such as
 * `https://storage.azure.com/user_impersonation` or `499b84ac-.../.default` names a resource (the
 * part before the last slash) and a permission.
 */

/** OIDC scopes that name no resource. */
export const oidcScopes = new Set(['openid', 'profile', 'email', 'offline_access']);

/** What `\s` matches in a regular expression. */
export function isWhitespace(code: number): boolean {
  return (
    (code >= 0x09 && code <= 0x0d) ||
    code === 0x20 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/**
 * Splits a scope list joined by `+` (AzSessions.jl) or whitespace (OAuth); drops empty parts.
 * Plain code, as `split(/[+\s]+/)` would read it: every cache hit runs this, and a process's first
 * runs of a regular expression compile it twice over (about 40 µs here).
 */
export function splitScopes(scope: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i <= scope.length; i++) {
    const code = i < scope.length ? scope.charCodeAt(i) : 0x20;
    if (code === 0x2b || isWhitespace(code)) {
      if (start >= 0) out.push(scope.slice(start, i));
      start = -1;
    } else if (start < 0) {
      start = i;
    }
  }
  return out;
}

/** AzSessions.jl joins scopes with `+`. */
export function joinScopes(scopes: readonly string[]): string {
  return scopes.join('+');
}

/** Equal as sets, whatever the order or separator (AzSessions.jl's samescope). */
export function sameScopes(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((s) => right.has(s));
}

/** Adds the elements of `extra` that `base` lacks, keeping `base`'s order first. */
export function mergeScopes(base: readonly string[], extra: readonly string[]): string[] {
  return [...new Set([...base, ...extra])];
}

/** The resource a scope names, or undefined for OIDC scopes and bare words. */
export function resourceOfScope(scope: string): string | undefined {
  if (oidcScopes.has(scope)) return undefined;
  const slash = scope.lastIndexOf('/');
  if (slash <= 0) return undefined;
  const resource = scope.slice(0, slash);
  // `https://x/` would leave `https:/`; a scope needs a resource with a host or an app id.
  return !resource.includes(':') || hasSchemeAndHost(resource) ? resource : undefined;
}

/**
 * `scheme://` and a host's first character, as /^[a-z][a-z0-9+.-]*:\/\/[^/]/i reads it, in plain
 * code (the cache hit runs it, and a process's first run of each regular expression costs).
 */
export function hasSchemeAndHost(text: string): boolean {
  const end = schemeEnd(text);
  return end > 0 && end < text.length && text[end] !== '/';
}

/** The first resource named in a scope list. */
export function resourceOfScopes(scopes: readonly string[]): string | undefined {
  for (const scope of scopes) {
    const resource = resourceOfScope(scope);
    if (resource) return resource;
  }
  return undefined;
}

/** `<resource>/.default`, keeping a trailing slash of the resource (`https://x.net//.default`). */
export function defaultScopeOf(resource: string): string {
  return `${resource}/.default`;
}
