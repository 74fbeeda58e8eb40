import { findResource } from './entra-resources.js';
import { sendJson } from './http-server.js';
import { issueMiToken } from './mi-token.js';
import {
  selectIdentity, selectorCount, startMiServer, type ManagedIdentityFake, type ManagedIdentityFakeOptions, type MiRequest,
} from './mi-server.js';
import type { JwtSigner } from './mi-token.js';
import type { IssuedValues } from './issued-values.js';

export const IMDS_TOKEN_PATH = '/metadata/identity/oauth2/token';

function badRequest(r: MiRequest, error: string, description: string): void {
  sendJson(r.res, 400, { error, error_description: description });
}

/**
 * The IMDS token request (entra-protocol.md §7.2), shared with the Arc fake: checks `Metadata`,
 * `api-version`, `resource` and the identity selector, then answers with numbers as strings.
 */
export function answerImdsTokenRequest(
  r: MiRequest, options: ManagedIdentityFakeOptions, signer: JwtSigner, issued: IssuedValues, allowUserAssigned = true,
): void {
  if (r.req.headers.metadata !== 'true') return badRequest(r, 'bad_request_102', 'Required metadata header not specified');
  if (!r.query['api-version']) return badRequest(r, 'invalid_request', "Required query variable 'api-version' is missing");
  const resource = r.query.resource;
  if (!resource) return badRequest(r, 'invalid_request', "Required query variable 'resource' is missing");
  const selector = { clientId: r.query.client_id, objectId: r.query.object_id, resourceId: r.query.msi_res_id ?? r.query.mi_res_id };
  if (selectorCount(selector) > 1) return badRequest(r, 'invalid_request', 'Only one of client_id, object_id and msi_res_id may be given');
  if (!allowUserAssigned && selectorCount(selector) > 0) return badRequest(r, 'invalid_request', 'User-assigned identities are not supported');
  const identity = selectIdentity(options, selector);
  if (!identity) return badRequest(r, 'invalid_request', 'Identity not found');
  if (!findResource(resource)) {
    return badRequest(r, 'invalid_resource', `AADSTS500011: The resource principal named ${resource} was not found in the tenant named azsess-test.`);
  }
  const token = issueMiToken(signer, { resource, identity, ttl: options.tokenTtl ?? 86399 });
  issued.record('access_token', token.accessToken);
  sendJson(r.res, 200, {
    access_token: token.accessToken,
    refresh_token: '',
    expires_in: String(token.expiresIn),
    expires_on: String(token.expiresOn),
    ext_expires_in: String(token.expiresIn),
    not_before: String(token.notBefore),
    resource,
    token_type: 'Bearer',
    client_id: identity.clientId,
  });
}

/**
 * Fake Azure Instance Metadata Service: `GET /metadata/identity/oauth2/token` with `Metadata: true`.
 * env: `AZURE_POD_IDENTITY_AUTHORITY_HOST` and `IMDS_ENDPOINT`, both the base URL.
 */
export function startImdsFake(options: ManagedIdentityFakeOptions = {}): Promise<ManagedIdentityFake> {
  return startMiServer({
    endpointOf: (r) => (r.path === IMDS_TOKEN_PATH ? 'token' : 'other'),
    env: (url) => ({ AZURE_POD_IDENTITY_AUTHORITY_HOST: url, IMDS_ENDPOINT: url }),
    handle(r, { signer, issued }) {
      if (r.path !== IMDS_TOKEN_PATH) return sendJson(r.res, 404, { error: 'not_found', error_description: 'Not found' });
      if (r.req.method !== 'GET') return sendJson(r.res, 405, { error: 'invalid_request', error_description: 'Method not allowed' });
      return answerImdsTokenRequest(r, options, signer, issued);
    },
  });
}
