import { ConfigError } from '../../domain/errors.js';
import { parseManagedIdentityResponse } from './response.js';
import type { ManagedIdentitySource } from './types.js';

/** Azure Cloud Shell (entra-protocol.md 7.4): MSI_ENDPOINT alone; the signed-in portal user's token. */
export const cloudShell: ManagedIdentitySource = {
  name: 'Cloud Shell',
  detect: (env) => Boolean(env.MSI_ENDPOINT && !env.MSI_SECRET),
  async acquire(resource, identity, deps) {
    if (identity.clientId || identity.objectId || identity.resourceId) {
      throw new ConfigError('Cloud Shell has no user-assigned identities; drop --client-id, --object-id and --msi-res-id.');
    }
    const url = deps.env.MSI_ENDPOINT!;
    const requestStart = deps.now();
    const res = await deps.http.send({
      method: 'POST',
      url,
      headers: { Metadata: 'true' },
      form: { resource },
      purpose: 'the Cloud Shell identity endpoint',
      direct: true,
    });
    return parseManagedIdentityResponse(res, 'the Cloud Shell identity endpoint', new URL(url).host, requestStart);
  },
};
