import { randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { findResource } from './entra-resources.js';
import { sendJson } from './http-server.js';
import { issueMiToken } from './mi-token.js';
import { selectIdentity, startMiServer, type ManagedIdentityFake, type ManagedIdentityFakeOptions, type MiRequest } from './mi-server.js';

export const SERVICE_FABRIC_TOKEN_PATH = '/metadata/identity/oauth2/token';

/** The endpoint's self-signed key and certificate (test/idp/certificates/README.md). */
export const SERVICE_FABRIC_CERTIFICATE_PATH = fileURLToPath(new URL('../../../test/idp/certificates/service-fabric.pem', import.meta.url));

/** The Service Fabric fake, and the thumbprint its certificate has. */
export interface ServiceFabricFake extends ManagedIdentityFake {
  /** SHA-1 of the certificate, 40 upper-case hex digits, as `IDENTITY_SERVER_THUMBPRINT` carries it. */
  thumbprint: string;
}

// Service Fabric's errors: {"error": {"correlationId", "code", "message"}}.
function fail(r: MiRequest, status: number, code: string, message: string): void {
  sendJson(r.res, status, { error: { correlationId: randomUUID(), code, message } });
}

/**
 * Fake Service Fabric managed identity endpoint: https with a self-signed certificate, `GET
 * /metadata/identity/oauth2/token?api-version=2019-07-01-preview&resource=…` with header `secret`;
 * answers `{token_type, access_token, expires_on (a number), resource}` for the application's
 * identity, which the cluster assigns (the system-assigned one of the options). env:
 * `IDENTITY_ENDPOINT`, `IDENTITY_HEADER`, `IDENTITY_SERVER_THUMBPRINT`.
 */
export async function startServiceFabricFake(options: ManagedIdentityFakeOptions = {}): Promise<ServiceFabricFake> {
  const pem = readFileSync(SERVICE_FABRIC_CERTIFICATE_PATH, 'utf8');
  const thumbprint = new X509Certificate(pem).fingerprint.replace(/:/g, '');
  const secret = randomBytes(18).toString('hex');
  const fake = await startMiServer({
    tls: { key: pem, cert: pem },
    endpointOf: (r) => (r.path === SERVICE_FABRIC_TOKEN_PATH ? 'token' : 'other'),
    env: (url) => ({ IDENTITY_ENDPOINT: `${url}${SERVICE_FABRIC_TOKEN_PATH}`, IDENTITY_HEADER: secret, IDENTITY_SERVER_THUMBPRINT: thumbprint }),
    handle(r, { signer, issued }) {
      if (r.path !== SERVICE_FABRIC_TOKEN_PATH) return fail(r, 404, 'NotFound', 'Not found.');
      if (r.req.method !== 'GET') return fail(r, 405, 'MethodNotAllowed', 'Use GET.');
      if (r.req.headers.secret === undefined) return fail(r, 400, 'SecretHeaderNotFound', 'Secret is not found in the request headers.');
      if (r.req.headers.secret !== secret) return fail(r, 401, 'ManagedIdentityNotFound', 'The secret does not match this application.');
      if (r.query['api-version'] !== '2019-07-01-preview') return fail(r, 400, 'InvalidApiVersion', `The api-version '${r.query['api-version'] ?? ''}' is not supported.`);
      const resource = r.query.resource;
      if (!resource) return fail(r, 400, 'InvalidParameter', "The 'resource' query parameter is required.");
      const identity = selectIdentity(options, {});
      if (!identity) return fail(r, 404, 'ManagedIdentityNotFound', 'The application has no managed identity.');
      if (!findResource(resource)) return fail(r, 400, 'InvalidResource', `The resource '${resource}' is not known.`);
      const token = issueMiToken(signer, { resource, identity, ttl: options.tokenTtl ?? 86399 });
      issued.record('access_token', token.accessToken);
      sendJson(r.res, 200, { token_type: 'Bearer', access_token: token.accessToken, expires_on: token.expiresOn, resource });
    },
  });
  fake.issued.record('identity_header', secret);
  return { ...fake, thumbprint };
}
