import { ConfigError } from '../domain/errors.js';
import { isMetaTenant } from '../domain/tenant.js';
import { defaultScopeOf } from '../domain/scopes.js';
import { requestToken } from './token-endpoint.js';
import type { AppTarget, Grant, ProtocolDeps, TokenResult } from './types.js';

/**
 * The client credentials grant with a secret (entra-protocol.md 5.1): v2 token endpoint, one
 * resource as `<resource>/.default`.
 */
export async function acquireWithClientSecret(
  target: AppTarget,
  resource: string,
  secret: string | undefined,
  deps: ProtocolDeps,
  extra: { claims?: string } = {},
): Promise<TokenResult> {
  if (!secret) {
    throw new ConfigError(
      'client-credentials needs a client secret or certificate: set AZURE_CLIENT_SECRET, run azsess write-manifest --client-secret-stdin, or pass --client-certificate.',
    );
  }
  checkAppOnlyTarget(target, 'client-credentials');
  return requestToken(
    target,
    {
      grant_type: 'client_credentials',
      client_id: target.clientId,
      client_secret: secret,
      scope: defaultScopeOf(resource),
      ...(extra.claims ? { claims: extra.claims } : {}),
    },
    deps,
    { what: 'Entra ID refused the client credentials', hint: 'check the client id, tenant and secret with azsess status' },
  );
}

/** App-only flows need an application and a real tenant (AADSTS9001023 otherwise). */
export function checkAppOnlyTarget(target: AppTarget, protocol: string): void {
  if (isMetaTenant(target.tenant)) {
    throw new ConfigError(
      `${protocol} needs the tenant's GUID or domain, not '${target.tenant}': pass --tenant, set AZURE_TENANT_ID, or run azsess write-manifest --tenant.`,
    );
  }
}

/** The registry's grant: a certificate when the settings name one, else the client secret. */
export const grant: Grant = {
  async acquire(request, deps) {
    const extra = { claims: request.claims };
    if (request.certificate) {
      // Loaded only for a certificate: signing needs node:crypto.
      const { acquireWithCertificate } = await import('./client-certificate.js');
      return acquireWithCertificate(request, request.resource, request.certificate, deps, extra);
    }
    return acquireWithClientSecret(request, request.resource, request.clientSecret, deps, extra);
  },
};
