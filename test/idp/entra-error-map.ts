import { EntraError, entraErrors } from './entra-errors.js';

/** What oidc-provider said, plus the cause its error event carried (it hides the detail in the body). */
export interface ProviderFailure {
  endpoint: string;
  grantType?: string;
  clientId?: string;
  status: number;
  error: string;
  description?: string;
  /** `error_detail` of the thrown error, e.g. "code_verifier does not match code_challenge". */
  detail?: string;
}

const consentMissing = (clientId = '') => new EntraError('invalid_grant', 65001,
  `The user or administrator has not consented to use the application with ID '${clientId}'. Send an interactive authorization request for this user and resource.`);

const expiredGrant = () => new EntraError('invalid_grant', 70008,
  'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.');

const malformed = (what: string) => new EntraError('invalid_grant', 9002313,
  `Invalid request. Request is malformed or invalid: the provided ${what} is not valid.`);

/** invalid_grant details oidc-provider uses, and the Entra error each stands for. */
const INVALID_GRANT: Record<string, (f: ProviderFailure) => EntraError> = {
  'device code not found': () => new EntraError('bad_verification_code', 70018,
    'Invalid verification code due to the device code not being recognised. Authorization is not approved.'),
  'device code already consumed': () => new EntraError('invalid_grant', 70000,
    'The provided value for the input parameter \'device_code\' is not valid: it was already redeemed.'),
  'code_verifier does not match code_challenge': () => new EntraError('invalid_grant', 501481,
    'The Code_Verifier does not match the code_challenge supplied in the authorization request.'),
  'code_verifier must be provided': () => new EntraError('invalid_grant', 501481,
    'The Code_Verifier does not match the code_challenge supplied in the authorization request (no code_verifier was sent).'),
  'authorization code not found': () => malformed('authorization code'),
  'authorization code is expired': expiredGrant,
  'authorization code already consumed': () => new EntraError('invalid_grant', 54005,
    'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.'),
  'authorization code redirect_uri mismatch': () => new EntraError('invalid_grant', 500112,
    'The reply address does not match the reply address provided when requesting the authorization code.'),
  'refresh token not found': () => malformed('refresh token'),
  'refresh token is expired': expiredGrant,
  'refresh token already used': () => new EntraError('invalid_grant', 70000,
    'The refresh token was already used; this test IdP has rotation with reuse detection on, so the grant is revoked.'),
  'grant not found': () => entraErrors.refreshTokenRevoked(),
  'grant is expired': expiredGrant,
};

function mapInvalidClient(f: ProviderFailure): EntraError {
  if (f.detail === 'client not found' || f.description === 'client is invalid') return entraErrors.clientNotFound(f.clientId ?? '');
  if (f.detail === 'invalid secret provided') return entraErrors.wrongSecret(f.clientId ?? '');
  return entraErrors.missingSecret();
}

function mapTokenFailure(f: ProviderFailure): EntraError {
  switch (f.error) {
    case 'authorization_pending':
      return new EntraError('authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.');
    case 'expired_token':
      return new EntraError('expired_token', 70019, 'Verification code expired.');
    case 'access_denied':
      return new EntraError('authorization_declined', 65004, 'User declined to consent to access the app.');
    case 'invalid_grant': {
      const mapped = INVALID_GRANT[f.detail ?? ''];
      return mapped ? mapped(f) : new EntraError('invalid_grant', 70000, `The provided grant is not valid (${f.detail ?? f.description ?? 'unknown reason'}).`);
    }
    case 'invalid_scope':
    case 'invalid_target':
      if (f.grantType === 'client_credentials') return entraErrors.invalidScope(f.description ?? '');
      return consentMissing(f.clientId);
    default:
      return mapCommon(f);
  }
}

function mapCommon(f: ProviderFailure): EntraError {
  const text = f.description ?? '';
  switch (f.error) {
    case 'invalid_client':
      return mapInvalidClient(f);
    case 'unsupported_grant_type':
      return new EntraError('unsupported_grant_type', 70003, `The app requested an unsupported grant type '${f.grantType ?? ''}'.`);
    case 'invalid_scope':
    case 'invalid_target':
      return entraErrors.invalidScope(text);
    case 'server_error':
      return new EntraError('server_error', 50000, 'There was an error issuing a token or an issue with our sign-in service.', 500);
    case 'invalid_request': {
      const missing = /missing required parameter '?([\w-]+)'?/.exec(text);
      if (missing) return entraErrors.missingParameter(missing[1]!);
      if (text === 'requested grant type is not allowed for this client') {
        return new EntraError('unauthorized_client', 70003,
          `The application '${f.clientId ?? ''}' is not allowed to use the grant type '${f.grantType ?? ''}'.`);
      }
      return new EntraError('invalid_request', 9002313, `Invalid request. Request is malformed or invalid: ${text}`);
    }
    default:
      return new EntraError(f.error, 9002313, `Invalid request. Request is malformed or invalid: ${text}`, f.status);
  }
}

/** Maps an oidc-provider error answer of a JSON endpoint onto the Entra error it stands for. */
export function mapProviderFailure(f: ProviderFailure): EntraError {
  return f.endpoint === 'token' ? mapTokenFailure(f) : mapCommon(f);
}
