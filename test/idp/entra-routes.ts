import {
  MULTI_TENANT_ALIASES, TEST_OTHER_TENANT_DOMAIN, TEST_OTHER_TENANT_ID, TEST_TENANT_DOMAIN, TEST_TENANT_ID, type TestUser,
} from './constants.js';

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

/** The tenants of the directory: GUID and verified domain. */
const DIRECTORY_TENANTS: ReadonlyArray<{ id: string; domain: string }> = [
  { id: TEST_TENANT_ID, domain: TEST_TENANT_DOMAIN },
  { id: TEST_OTHER_TENANT_ID, domain: TEST_OTHER_TENANT_DOMAIN },
];

/** The GUID of a directory tenant named by GUID or domain; undefined for aliases and unknown tenants. */
export function directoryTenantId(tenant: string): string | undefined {
  const t = tenant.toLowerCase();
  return DIRECTORY_TENANTS.find((d) => d.id === t || d.domain === t)?.id;
}

/** `directory` for a tenant of the directory (GUID or domain), `multi` for common/organizations/consumers. */
export function tenantKind(tenant: string): 'directory' | 'multi' | undefined {
  if (directoryTenantId(tenant)) return 'directory';
  if ((MULTI_TENANT_ALIASES as readonly string[]).includes(tenant.toLowerCase())) return 'multi';
  return undefined;
}

/** The `tid` of a user's token asked at a tenant path: that tenant, or the user's home tenant for the aliases. */
export function tenantIdFor(tenant: string | undefined, user: TestUser | undefined): string {
  return directoryTenantId(tenant ?? '') ?? user?.tenants[0] ?? TEST_TENANT_ID;
}

/** Whether the user may get tokens at this tenant path (aliases: the home tenant). */
export function isMemberOf(tenant: string, user: TestUser): boolean {
  const id = directoryTenantId(tenant);
  return id === undefined || user.tenants.includes(id);
}
