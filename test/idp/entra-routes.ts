import { MULTI_TENANT_ALIASES, TEST_TENANT_DOMAIN, TEST_TENANT_ID } from './constants.js';

/** Where a request to the test IdP goes, from its path. */
export interface EntraRoute {
  /**
   * `token`, `devicecode`, `authorize`, `authorize-resume`, `devicelogin`, `devicelogin-resume`,
   * `interaction`, `discovery`, `keys`, or `unknown`.
   */
  endpoint: string;
  /** First path segment, as sent. */
  tenant: string;
  /** The path below the tenant segment (leading slash). */
  rest: string;
  /** Interaction or resume id. */
  uid?: string;
  /** Interaction form posted: `login` or `confirm`. */
  step?: string;
}

const PATTERNS: Array<[RegExp, string]> = [
  [/^\/oauth2\/v2\.0\/token$/, 'token'],
  [/^\/oauth2\/v2\.0\/devicecode$/, 'devicecode'],
  [/^\/oauth2\/v2\.0\/authorize$/, 'authorize'],
  [/^\/oauth2\/v2\.0\/authorize\/(?<uid>[\w-]+)$/, 'authorize-resume'],
  [/^\/devicelogin$/, 'devicelogin'],
  [/^\/devicelogin\/(?<uid>[\w-]+)$/, 'devicelogin-resume'],
  [/^\/interaction\/(?<uid>[\w-]+)(?:\/(?<step>login|confirm))?$/, 'interaction'],
  [/^\/v2\.0\/\.well-known\/openid-configuration$/, 'discovery'],
  [/^\/discovery\/v2\.0\/keys$/, 'keys'],
];

export function classifyPath(path: string): EntraRoute {
  const match = /^\/([^/]+)(\/.*)?$/.exec(path);
  const tenant = match ? decodeURIComponent(match[1]!) : '';
  const rest = match?.[2] ?? '/';
  for (const [pattern, endpoint] of PATTERNS) {
    const found = pattern.exec(rest);
    if (found) return { endpoint, tenant, rest, uid: found.groups?.uid, step: found.groups?.step };
  }
  return { endpoint: 'unknown', tenant, rest };
}

/** `directory` for the test tenant (GUID or domain), `multi` for common/organizations/consumers. */
export function tenantKind(tenant: string): 'directory' | 'multi' | undefined {
  const t = tenant.toLowerCase();
  if (t === TEST_TENANT_ID || t === TEST_TENANT_DOMAIN) return 'directory';
  if ((MULTI_TENANT_ALIASES as readonly string[]).includes(t)) return 'multi';
  return undefined;
}
