const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A verified domain: dot-separated DNS labels ending in an alphabetic top-level label.
const domain = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const meta = ['common', 'organizations', 'consumers'];

export const tenantHint = 'a tenant GUID, a domain such as contoso.onmicrosoft.com, common, organizations or consumers';

/**
 * True for the tenant forms Entra accepts in a URL path. Anything else never goes into a URL,
 * so a tenant cannot smuggle path segments or a query into the request.
 */
export function isValidTenant(tenant: string): boolean {
  return isGuid(tenant) || domain.test(tenant) || meta.includes(tenant.toLowerCase());
}

/** `common`, `organizations` and `consumers` name no tenant; app-only flows need a real one. */
export function isMetaTenant(tenant: string): boolean {
  return meta.includes(tenant.toLowerCase());
}

export function isGuid(value: string): boolean {
  return guid.test(value);
}
