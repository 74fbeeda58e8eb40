import { randomBytes, randomUUID } from 'node:crypto';

import { findResource } from './entra-resources.js';
import { sendJson } from './http-server.js';
import type { IssuedValues } from './issued-values.js';
import { issueMiToken, legacyDate, type JwtSigner } from './mi-token.js';
import {
  selectIdentity, selectorCount, startMiServer, type IdentitySelector, type ManagedIdentityFake,
  type ManagedIdentityFakeOptions, type MiRequest,
} from './mi-server.js';

export const APP_SERVICE_TOKEN_PATH = '/msi/token';

/** Azure ML's compute serves the 2017 protocol, with `expires_on` as epoch seconds in a string. */
export interface AppServiceFakeOptions extends ManagedIdentityFakeOptions {
  azureMl?: boolean;
}

/** The App Service fake also carries the legacy (2017-09-01) environment. */
export interface AppServiceFake extends ManagedIdentityFake {
  /** `IDENTITY_ENDPOINT` + `IDENTITY_HEADER` (2019-08-01), same as `env`. */
  env: Record<string, string>;
  /** `MSI_ENDPOINT` + `MSI_SECRET` (2017-09-01, header `secret`). */
  legacyEnv: Record<string, string>;
}

// App Service errors are not OAuth-shaped (entra-protocol.md §7.3).
function fail(r: MiRequest, statusCode: number, message: string): void {
  sendJson(r.res, statusCode, { statusCode, message, correlationId: randomUUID() });
}

interface Protocol {
  header: string;
  secret: string;
  selector: IdentitySelector;
  legacy: boolean;
}

function protocolOf(r: MiRequest, identityHeader: string, msiSecret: string): Protocol | undefined {
  const q = r.query;
  if (q['api-version'] === '2019-08-01') {
    return {
      header: 'x-identity-header', secret: identityHeader, legacy: false,
      selector: { clientId: q.client_id, objectId: q.principal_id ?? q.object_id, resourceId: q.mi_res_id },
    };
  }
  if (q['api-version'] === '2017-09-01') {
    return { header: 'secret', secret: msiSecret, legacy: true, selector: { clientId: q.clientid } };
  }
  return undefined;
}

function answer(r: MiRequest, options: AppServiceFakeOptions, secrets: [string, string], signer: JwtSigner, issued: IssuedValues): void {
  const protocol = protocolOf(r, ...secrets);
  if (!protocol) return fail(r, 400, `The api-version '${r.query['api-version'] ?? ''}' is not supported.`);
  if (r.req.headers[protocol.header] !== protocol.secret) {
    return fail(r, 401, `Unauthorized: the ${protocol.header} header is missing or does not match.`);
  }
  const resource = r.query.resource;
  if (!resource) return fail(r, 400, "The 'resource' query parameter is required.");
  if (selectorCount(protocol.selector) > 1) return fail(r, 400, 'Only one of client_id, principal_id and mi_res_id may be given.');
  const identity = selectIdentity(options, protocol.selector);
  if (!identity) return fail(r, 400, 'No User Assigned or Delegated Managed Identity found for specified ClientId/ResourceId/PrincipalId.');
  if (!findResource(resource)) return fail(r, 500, 'An unexpected error occured while fetching the AAD Token.');
  const token = issueMiToken(signer, { resource, identity, ttl: options.tokenTtl ?? 86399 });
  issued.record('access_token', token.accessToken);
  sendJson(r.res, 200, {
    access_token: token.accessToken,
    expires_on: protocol.legacy && !options.azureMl ? legacyDate(token.expiresOn) : String(token.expiresOn),
    resource,
    token_type: 'Bearer',
    ...(protocol.legacy ? {} : { client_id: identity.clientId }),
  });
}

/**
 * Fake App Service / Functions / Container Apps identity endpoint, `GET /msi/token`:
 * 2019-08-01 with `X-IDENTITY-HEADER` (epoch `expires_on`, no `expires_in`) and the legacy
 * 2017-09-01 with header `secret` (`expires_on` as `MM/DD/YYYY HH:MM:SS +00:00`, or as Azure ML
 * sends it with `azureMl`).
 */
export async function startAppServiceFake(options: AppServiceFakeOptions = {}): Promise<AppServiceFake> {
  const identityHeader = randomBytes(18).toString('hex');
  const msiSecret = randomBytes(18).toString('hex');
  const fake = await startMiServer({
    endpointOf: (r) => (r.path.toLowerCase() === APP_SERVICE_TOKEN_PATH ? 'token' : 'other'),
    env: (url) => ({ IDENTITY_ENDPOINT: `${url}${APP_SERVICE_TOKEN_PATH}`, IDENTITY_HEADER: identityHeader }),
    handle(r, { signer, issued }) {
      if (r.path.toLowerCase() !== APP_SERVICE_TOKEN_PATH) return fail(r, 404, 'Not found.');
      if (r.req.method !== 'GET') return fail(r, 405, 'Method not allowed.');
      return answer(r, options, [identityHeader, msiSecret], signer, issued);
    },
  });
  fake.issued.record('identity_header', identityHeader);
  fake.issued.record('msi_secret', msiSecret);
  return { ...fake, legacyEnv: { MSI_ENDPOINT: `${fake.url}${APP_SERVICE_TOKEN_PATH}`, MSI_SECRET: msiSecret } };
}
