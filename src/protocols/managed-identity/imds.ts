import { parseManagedIdentityResponse } from './response.js';
import type { ManagedIdentitySource } from './types.js';

const defaultImds = 'http://169.254.169.254';

/**
 * Azure Instance Metadata Service (entra-protocol.md 7.2): VMs, scale sets, AKS nodes. Plain
 * http to a link-local address, never through a proxy; `Metadata: true` guards against SSRF.
 */
export const imds: ManagedIdentitySource = {
  name: 'IMDS',
  detect: () => true,
  async acquire(resource, identity, deps) {
    const base = (deps.env.AZURE_POD_IDENTITY_AUTHORITY_HOST || deps.env.IMDS_ENDPOINT || defaultImds).replace(/\/+$/, '');
    const url = new URL(`${base}/metadata/identity/oauth2/token`);
    url.searchParams.set('api-version', '2018-02-01');
    url.searchParams.set('resource', resource);
    if (identity.clientId) url.searchParams.set('client_id', identity.clientId);
    if (identity.objectId) url.searchParams.set('object_id', identity.objectId);
    if (identity.resourceId) url.searchParams.set('msi_res_id', identity.resourceId);
    const requestStart = deps.now();
    const res = await deps.http.send(
      { method: 'GET', url: url.toString(), headers: { Metadata: 'true' }, purpose: 'IMDS', direct: true },
      // IMDS answers 404 and 410 while it is updating (entra-protocol.md 7.2).
      { extraStatuses: [404, 410] },
    );
    return parseManagedIdentityResponse(res, 'IMDS', url.host, requestStart);
  },
};
