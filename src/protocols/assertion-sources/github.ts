import { AuthenticationError, ConfigError, ServiceError } from '../../domain/errors.js';
import { isAllowedUrl } from '../../domain/authority.js';
import { rememberSecret } from '../../domain/redact.js';
import { jsonBody } from '../../oauth/token-response.js';
import type { ProtocolDeps } from '../types.js';

const purpose = 'the GitHub Actions OIDC endpoint';

/**
 * A token from GitHub Actions (entra-protocol.md 5.3): `GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=…`
 * with `Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN`; the answer's `value` is the token.
 * GitHub sets both variables only for jobs with `permissions: id-token: write`.
 */
export async function fetchGitHubToken(audience: string, deps: ProtocolDeps): Promise<string> {
  const requestUrl = deps.env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = deps.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!requestUrl || !requestToken) {
    throw new ConfigError(
      'The github token source needs ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN, which GitHub sets only for jobs with "permissions: id-token: write"; add that to the workflow.',
    );
  }
  rememberSecret(requestToken);
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    throw new ConfigError('ACTIONS_ID_TOKEN_REQUEST_URL is not a URL; it is set by GitHub Actions, so run azsess in a GitHub Actions job or unset it.');
  }
  if (!isAllowedUrl(url)) throw new ConfigError('ACTIONS_ID_TOKEN_REQUEST_URL must be an https URL; azsess sends a credential to it.');
  url.searchParams.set('audience', audience);
  const res = await deps.http.send({ method: 'GET', url: url.toString(), purpose, headers: { authorization: `Bearer ${requestToken}` } });
  if (res.status === 401 || res.status === 403) {
    throw new AuthenticationError(
      `${purpose} at ${url.host} refused the request (HTTP ${res.status}); check that the job has "permissions: id-token: write" and that ACTIONS_ID_TOKEN_REQUEST_TOKEN is the job's own.`,
    );
  }
  if (res.status >= 400) throw new ServiceError(`${purpose} at ${url.host} answered HTTP ${res.status} (client-request-id ${res.clientRequestId}); try again later.`);
  const value = jsonBody(res, purpose, url.host).value;
  if (typeof value !== 'string' || value === '') {
    throw new ServiceError(`${purpose} at ${url.host} answered without a token (no "value"; client-request-id ${res.clientRequestId}).`);
  }
  return value;
}
