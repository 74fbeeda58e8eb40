import { ConfigError } from '../domain/errors.js';
import { isValidTenant, tenantHint } from '../domain/tenant.js';

/** Entra's v2.0 endpoints of a tenant (entra-protocol.md 1.1). */
export interface EntraEndpoints {
  authorize: string;
  token: string;
  devicecode: string;
}

/**
 * Builds the endpoint URLs. The tenant goes into the path only in a form Entra accepts, so a
 * value from a manifest or the environment cannot add path segments or a query.
 */
export function entraEndpoints(authority: string, tenant: string): EntraEndpoints {
  if (!isValidTenant(tenant)) throw new ConfigError(`The tenant '${tenant}' is not ${tenantHint}.`);
  const base = `${authority.replace(/\/+$/, '')}/${encodeURIComponent(tenant)}/oauth2/v2.0`;
  return { authorize: `${base}/authorize`, token: `${base}/token`, devicecode: `${base}/devicecode` };
}
