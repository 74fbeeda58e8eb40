import { AZURE_CLI_CLIENT_ID, TEST_USERS, type TestUser } from './constants.js';
import { findResource } from './entra-resources.js';
import { sendJson } from './http-server.js';
import { issueMiToken } from './mi-token.js';
import { startMiServer, type ManagedIdentityFake, type ManagedIdentityFakeOptions, type MiRequest } from './mi-server.js';

export const CLOUD_SHELL_TOKEN_PATH = '/oauth2/token';

// Cloud Shell errors come as {"error":{"code":...,"message":...}} (entra-protocol.md §7.4).
function fail(r: MiRequest, status: number, code: string, message: string): void {
  sendJson(r.res, status, { error: { code, message } });
}

/**
 * Fake Cloud Shell token endpoint: `POST /oauth2/token` with `Metadata: true` and a form body
 * `resource=...`; answers a delegated token of the signed-in user (default: the first test user).
 * env: `MSI_ENDPOINT` (no `MSI_SECRET`) and `AZUREPS_HOST_ENVIRONMENT=cloud-shell/1.0`.
 */
export function startCloudShellFake(options: ManagedIdentityFakeOptions & { user?: TestUser } = {}): Promise<ManagedIdentityFake> {
  const user = options.user ?? TEST_USERS[0]!;
  return startMiServer({
    endpointOf: (r) => (r.path === CLOUD_SHELL_TOKEN_PATH ? 'token' : 'other'),
    env: (url) => ({ MSI_ENDPOINT: `${url}${CLOUD_SHELL_TOKEN_PATH}`, AZUREPS_HOST_ENVIRONMENT: 'cloud-shell/1.0' }),
    handle(r, { signer, issued }) {
      if (r.path !== CLOUD_SHELL_TOKEN_PATH) return fail(r, 404, 'NotFound', 'Not found');
      if (r.req.method !== 'POST') return fail(r, 405, 'MethodNotAllowed', 'Use POST');
      if (r.req.headers.metadata !== 'true') return fail(r, 400, 'BadRequest', 'Required metadata header not specified');
      const resource = r.form.resource;
      if (!resource) return fail(r, 400, 'BadRequest', "Required form field 'resource' is missing");
      if (r.form.client_id || r.form.object_id || r.form.msi_res_id || r.form.mi_res_id) {
        return fail(r, 400, 'BadRequest', 'User-assigned managed identities are not supported in Cloud Shell');
      }
      if (!findResource(resource)) return fail(r, 400, 'AudienceNotSupported', `Audience ${resource} is not a supported MSI token audience.`);
      const token = issueMiToken(signer, { resource, user, clientId: AZURE_CLI_CLIENT_ID, ttl: options.tokenTtl ?? 3599 });
      issued.record('access_token', token.accessToken);
      return sendJson(r.res, 200, {
        access_token: token.accessToken,
        refresh_token: '',
        expires_in: String(token.expiresIn),
        expires_on: String(token.expiresOn),
        not_before: String(token.notBefore),
        resource,
        token_type: 'Bearer',
      });
    },
  });
}
