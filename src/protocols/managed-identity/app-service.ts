import { ConfigError } from '../../domain/errors.js';
import { rememberSecret } from '../../domain/redact.js';
import { endpointOf, parseManagedIdentityResponse } from './response.js';
import type { ManagedIdentitySource } from './types.js';

/**
 * App Service, Functions, Container Apps (entra-protocol.md 7.3): IDENTITY_ENDPOINT with the
 * rotating IDENTITY_HEADER, which is read from the environment on every call, never stored.
 */
export const appService: ManagedIdentitySource = {
  name: 'App Service',
  detect: (env) => Boolean(env.IDENTITY_ENDPOINT && env.IDENTITY_HEADER),
  async acquire(resource, identity, deps) {
    const url = endpointOf(deps.env, 'IDENTITY_ENDPOINT');
    url.searchParams.set('api-version', '2019-08-01');
    url.searchParams.set('resource', resource);
    if (identity.clientId) url.searchParams.set('client_id', identity.clientId);
    if (identity.objectId) url.searchParams.set('principal_id', identity.objectId);
    if (identity.resourceId) url.searchParams.set('mi_res_id', identity.resourceId);
    // An endpoint may echo it in an error: what azsess prints blanks it.
    rememberSecret(deps.env.IDENTITY_HEADER);
    const requestStart = deps.now();
    const res = await deps.http.send({
      method: 'GET',
      url: url.toString(),
      headers: { 'X-IDENTITY-HEADER': deps.env.IDENTITY_HEADER! },
      purpose: 'the App Service identity endpoint',
      direct: true,
    });
    return parseManagedIdentityResponse(res, 'the App Service identity endpoint', url.host, requestStart);
  },
};

/** The 2017 protocol still used by Linux Consumption plans and Azure ML (MSI_ENDPOINT + MSI_SECRET). */
export const appService2017: ManagedIdentitySource = {
  name: 'App Service (2017)',
  detect: (env) => Boolean(env.MSI_ENDPOINT && env.MSI_SECRET),
  async acquire(resource, identity, deps) {
    if (identity.objectId || identity.resourceId) {
      throw new ConfigError('The 2017 App Service identity endpoint selects a user-assigned identity by --client-id only.');
    }
    const url = endpointOf(deps.env, 'MSI_ENDPOINT');
    url.searchParams.set('api-version', '2017-09-01');
    url.searchParams.set('resource', resource);
    if (identity.clientId) url.searchParams.set('clientid', identity.clientId);
    rememberSecret(deps.env.MSI_SECRET);
    const requestStart = deps.now();
    const res = await deps.http.send({
      method: 'GET',
      url: url.toString(),
      headers: { secret: deps.env.MSI_SECRET! },
      purpose: 'the App Service identity endpoint',
      direct: true,
    });
    return parseManagedIdentityResponse(res, 'the App Service identity endpoint', url.host, requestStart);
  },
};
