import { randomUUID } from 'node:crypto';

import { claimsFor, suberrorFor } from './entra-suberrors.js';

/**
 * Entra's error body (entra-protocol.md §9.1). `error_codes` is empty only where Entra documents no
 * AADSTS number (`slow_down`, and an unknown path of this test server).
 */
export interface EntraErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri?: string;
  /** Refinement of the error a client may act on (`bad_token`, `consent_required`, ...). */
  suberror?: string;
  /** A claims challenge (JSON) to replay on the next sign-in. */
  claims?: string;
}

/** An error the adapter answers with itself, in Entra's shape. */
export class EntraError extends Error {
  override name = 'EntraError';

  constructor(
    readonly error: string,
    readonly code: number | undefined,
    readonly description: string,
    readonly status = 400,
    /** A claims challenge (JSON) for the body; by default the one Entra sends with `code`, if any. */
    readonly claims?: string,
  ) {
    super(code === undefined ? `${error}: ${description}` : `AADSTS${code}: ${description}`);
  }
}

/** Request-scoped identifiers every Entra error carries. */
export interface TraceIds {
  traceId: string;
  correlationId: string;
}

/** Entra's timestamp form: `2024-01-09 02:02:12Z`. */
export function entraTimestamp(at = new Date()): string {
  return `${at.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** New ids for one request; the correlation id echoes `client-request-id` when sent. */
export function newTraceIds(clientRequestId?: string): TraceIds {
  const sent = clientRequestId?.trim();
  return { traceId: randomUUID(), correlationId: sent ? sent : randomUUID() };
}

/**
 * Builds the JSON body Entra sends for an error: the description starts `AADSTSnnnnn:` and ends
 * with the Trace ID / Correlation ID / Timestamp lines, separated by `\r\n` as Entra does.
 */
export function entraErrorBody(
  error: { error: string; code: number | undefined; description: string; suberror?: string; claims?: string },
  ids: TraceIds = newTraceIds(),
  authority = 'https://login.microsoftonline.com',
): EntraErrorBody {
  const timestamp = entraTimestamp();
  const head = error.code === undefined ? error.description : `AADSTS${error.code}: ${error.description}`;
  const body: EntraErrorBody = {
    error: error.error,
    error_description: `${head}\r\nTrace ID: ${ids.traceId}\r\nCorrelation ID: ${ids.correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: error.code === undefined ? [] : [error.code],
    timestamp,
    trace_id: ids.traceId,
    correlation_id: ids.correlationId,
  };
  if (error.code !== undefined) body.error_uri = `${authority}/error?code=${error.code}`;
  const suberror = error.suberror ?? suberrorFor(error.code);
  if (suberror) body.suberror = suberror;
  const claims = error.claims ?? claimsFor(error.code);
  if (claims) body.claims = claims;
  return body;
}

/** Common Entra errors the adapter raises itself. */
export const entraErrors = {
  tenantNotFound: (tenant: string) => new EntraError('invalid_request', 90002,
    `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`),
  appOnlyOverCommon: () => new EntraError('invalid_request', 9001023,
    "The grant type isn't supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint."),
  clientNotFound: (clientId: string) => new EntraError('unauthorized_client', 700016,
    `Application with identifier '${clientId}' was not found in the directory 'azsess-test'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`),
  publicClientSentSecret: () => new EntraError('invalid_client', 700025,
    "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.", 401),
  missingSecret: () => new EntraError('invalid_client', 7000218,
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", 401),
  wrongSecret: (clientId: string) => new EntraError('invalid_client', 7000215,
    `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`, 401),
  missingParameter: (name: string) => new EntraError('invalid_request', 900144,
    `The request body must contain the following parameter: '${name}'.`),
  unknownResource: (resource: string) => new EntraError('invalid_resource', 500011,
    `The resource principal named ${resource} was not found in the tenant named azsess-test. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`),
  invalidScope: (scope: string) => new EntraError('invalid_scope', 70011,
    `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`),
  defaultScopeRequired: (scope: string) => new EntraError('invalid_scope', 1002012,
    `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`),
  multipleResources: (scope: string, appOnly: boolean) => appOnly
    ? new EntraError('invalid_scope', 700022, `The provided value for the input parameter scope '${scope}' is not valid because it contains more than one resource. The scope ${scope} is not valid.`)
    : new EntraError('invalid_scope', 28002, `Provided value for the input parameter scope '${scope}' is not valid when requesting an access token. Please specify a valid scope.`),
  slowDown: (interval: number) => new EntraError('slow_down', undefined,
    `Polling too fast: wait at least ${interval} s between token requests for this device code (RFC 8628 §3.5).`),
  refreshTokenRevoked: () => new EntraError('invalid_grant', 50173,
    'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.'),
  refreshTokenInactive: () => new EntraError('invalid_grant', 700082,
    'The refresh token has expired due to inactivity. The token was issued on a date and was inactive for 90.00:00:00.'),
  redirectMismatch: (redirectUri: string, clientId: string) => new EntraError('invalid_request', 50011,
    `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`),
  loopDetected: () => new EntraError('invalid_request', 50196,
    'The server terminated an operation because it encountered a client request loop. Please contact your app vendor.'),
  notFound: (path: string) => new EntraError('invalid_request', undefined,
    `The request path '${path}' is not an endpoint of this test identity provider.`, 404),
};
