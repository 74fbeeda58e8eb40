import { AuthenticationError, ConfigError, ServiceError } from '../../domain/errors.js';
import { isAllowedUrl } from '../../domain/authority.js';
import { rememberSecret } from '../../domain/redact.js';
import { jsonBody } from '../../oauth/token-response.js';
import type { ProtocolDeps } from '../types.js';

const purpose = 'the Azure Pipelines OIDC endpoint';

function messageOf(body: string): string {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    return typeof message === 'string' ? `: ${message.replace(/[.\s]+$/, '')}` : '';
  } catch {
    return '';
  }
}

/**
 * A token from Azure Pipelines (entra-protocol.md 5.3): `POST $SYSTEM_OIDCREQUESTURI?api-version=7.1&serviceConnectionId=…`
 * with `Authorization: Bearer $SYSTEM_ACCESSTOKEN`; the answer's `oidcToken` is the token.
 * `X-TFS-FedAuthRedirect: Suppress` makes a refusal a 401 rather than a sign-in page.
 */
export async function fetchAzurePipelinesToken(serviceConnectionId: string, deps: ProtocolDeps): Promise<string> {
  const requestUri = deps.env.SYSTEM_OIDCREQUESTURI;
  const accessToken = deps.env.SYSTEM_ACCESSTOKEN;
  if (!requestUri) throw new ConfigError('The azure-pipelines token source needs SYSTEM_OIDCREQUESTURI, which Azure Pipelines sets in pipeline jobs; run azsess in a pipeline step.');
  if (!accessToken) {
    throw new ConfigError('The azure-pipelines token source needs SYSTEM_ACCESSTOKEN; map it in the step with "env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)".');
  }
  rememberSecret(accessToken);
  let url: URL;
  try {
    url = new URL(requestUri);
  } catch {
    throw new ConfigError('SYSTEM_OIDCREQUESTURI is not a URL; it is set by Azure Pipelines, so run azsess in a pipeline step or unset it.');
  }
  if (!isAllowedUrl(url)) throw new ConfigError('SYSTEM_OIDCREQUESTURI must be an https URL; azsess sends a credential to it.');
  url.searchParams.set('api-version', '7.1');
  url.searchParams.set('serviceConnectionId', serviceConnectionId);
  const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', 'x-tfs-fedauthredirect': 'Suppress' };
  const res = await deps.http.send({ method: 'POST', url: url.toString(), purpose, headers });
  if (res.status >= 400 && res.status < 500) {
    throw new AuthenticationError(
      `${purpose} at ${url.host} refused the request (HTTP ${res.status}${messageOf(res.body)}); check the service connection id ` +
        `(--service-connection-id or AZURESUBSCRIPTION_SERVICE_CONNECTION_ID), that this pipeline may use it, and that SYSTEM_ACCESSTOKEN is mapped.`,
    );
  }
  const token = jsonBody(res, purpose, url.host).oidcToken;
  if (res.status !== 200 || typeof token !== 'string' || token === '') {
    throw new ServiceError(`${purpose} at ${url.host} answered HTTP ${res.status} without a token (no "oidcToken"; client-request-id ${res.clientRequestId}).`);
  }
  return token;
}
