const hex = '0123456789abcdefABCDEF';
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

/**
 * `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hex digits of either case. Plain code, not a regular
 * expression: a cache hit checks AZURE_TENANT_ID, and each regular expression a process first
 * runs costs it about 0.06 ms.
 */
export function isGuid(value: string): boolean {
  if (value.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const dash = i === 8 || i === 13 || i === 18 || i === 23;
    if (dash ? value[i] !== '-' : !hex.includes(value[i]!)) return false;
  }
  return true;
}
