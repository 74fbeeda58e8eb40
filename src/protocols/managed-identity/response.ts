import { AuthenticationError, ConfigError, ServiceError } from '../../domain/errors.js';
import { rememberSecret } from '../../domain/redact.js';
import type { HttpResponse } from '../../http/types.js';
import { entraError, jsonBody, numeric, type TokenResult } from '../../oauth/token-response.js';

/**
 * The endpoint a variable names, as a URL; one that is not a URL is the user's setting to fix
 * (exit 6), not an unexpected failure. Its value is never quoted: it may carry a credential.
 */
export function endpointOf(env: Readonly<Record<string, string | undefined>>, name: string): URL {
  try {
    return new URL(env[name] ?? '');
  } catch {
    throw new ConfigError(`${name} is not a URL; fix or unset it.`);
  }
}

/** `expires_on` as epoch seconds (a number or a numeric string) or as a date string (App Service 2017). */
export function parseExpiresOn(value: unknown): Date | undefined {
  const n = numeric(value);
  if (n !== undefined) return new Date(n * 1000);
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value.replace(/ ([+-]\d\d:\d\d)$/, '$1'));
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/**
 * A managed identity endpoint's answer (entra-protocol.md 7): numbers may be strings, there may
 * be only `expires_on`, and errors are OAuth-shaped or `{error: {code, message}}` or neither.
 */
export function parseManagedIdentityResponse(res: HttpResponse, source: string, host: string, requestStart: Date): TokenResult {
  const body = jsonBody(res, source, host);
  if (res.status >= 400) {
    const entra = entraError(body);
    const said = entra ? `${entra.error}${entra.description ? `: ${entra.description}` : ''}` : `HTTP ${res.status}`;
    throw new AuthenticationError(
      `${source} at ${host} refused to issue a token (${said.replace(/[.\s]+$/, '')}); check that this machine has a managed ` +
        `identity with access to the resource, and that --client-id, --object-id or --msi-res-id names one assigned to it.`,
    );
  }
  const accessToken = typeof body.access_token === 'string' ? body.access_token : '';
  const expiresIn = numeric(body.expires_in);
  const expiresAt =
    expiresIn !== undefined ? new Date(requestStart.getTime() + expiresIn * 1000) : parseExpiresOn(body.expires_on);
  if (!accessToken || !expiresAt) {
    throw new ServiceError(`${source} at ${host} answered without ${accessToken ? 'a usable expiry' : 'an access_token'}; this is not a token response.`);
  }
  rememberSecret(accessToken);
  return { accessToken, expiresAt };
}
