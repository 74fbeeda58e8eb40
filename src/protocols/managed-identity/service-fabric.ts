import { ConfigError, UsageError } from '../../domain/errors.js';
import { rememberSecret } from '../../domain/redact.js';
import { endpointOf, parseManagedIdentityResponse } from './response.js';
import type { ManagedIdentitySource } from './types.js';

const purpose = 'the Service Fabric identity endpoint';

/**
 * IDENTITY_SERVER_THUMBPRINT as Service Fabric writes it: the SHA-1 of the endpoint's certificate,
 * 40 hex digits, compared case-insensitively as .NET's SDKs do (which take no colons either).
 */
function serverThumbprint(value: string): string {
  const thumbprint = value.trim();
  if (!/^[0-9a-f]{40}$/i.test(thumbprint)) {
    throw new ConfigError('IDENTITY_SERVER_THUMBPRINT is not a SHA-1 thumbprint (40 hex digits without separators); fix or unset it.');
  }
  return thumbprint.toUpperCase();
}

/**
 * Service Fabric (entra-protocol.md 7.1, az-compat-and-sources.md 3): IDENTITY_ENDPOINT is https
 * with a self-signed certificate, trusted only by the thumbprint the cluster gives beside it. The
 * identity is the application's, bound by the cluster: it cannot be chosen by the caller.
 */
export const serviceFabric: ManagedIdentitySource = {
  name: 'Service Fabric',
  detect: (env) => Boolean(env.IDENTITY_ENDPOINT && env.IDENTITY_HEADER && env.IDENTITY_SERVER_THUMBPRINT),
  async acquire(resource, identity, deps) {
    if (identity.clientId || identity.objectId || identity.resourceId) {
      throw new UsageError(
        'Service Fabric gives an application the identity its cluster assigned, which cannot be chosen here; drop --client-id, --object-id and --msi-res-id.',
      );
    }
    const thumbprint = serverThumbprint(deps.env.IDENTITY_SERVER_THUMBPRINT!);
    const url = endpointOf(deps.env, 'IDENTITY_ENDPOINT');
    if (url.protocol !== 'https:') {
      throw new ConfigError(`IDENTITY_ENDPOINT must be an https URL when IDENTITY_SERVER_THUMBPRINT is set (Service Fabric), not ${url.protocol}; fix or unset it.`);
    }
    url.searchParams.set('api-version', '2019-07-01-preview');
    url.searchParams.set('resource', resource);
    rememberSecret(deps.env.IDENTITY_HEADER);
    const requestStart = deps.now();
    const res = await deps.http.send({
      method: 'GET',
      url: url.toString(),
      headers: { secret: deps.env.IDENTITY_HEADER! },
      purpose,
      direct: true,
      serverThumbprint: { sha1: thumbprint, from: 'IDENTITY_SERVER_THUMBPRINT' },
    });
    return parseManagedIdentityResponse(res, purpose, url.host, requestStart);
  },
};
