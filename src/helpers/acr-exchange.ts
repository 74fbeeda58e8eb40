import { isLoopbackHost } from '../domain/authority.js';
import { AuthenticationError, ConfigError, ServiceError } from '../domain/errors.js';
import { decodeClaims } from '../domain/jwt.js';
import { redact, rememberSecret } from '../domain/redact.js';
import type { ExchangedToken } from '../core/registry-tokens.js';
import type { Sender } from '../http/retry.js';
import { jsonBody } from '../oauth/token-response.js';
import type { HttpResponse } from '../http/types.js';

/**
 * Azure Container Registry's token exchange (Azure/acr docs/AAD-OAuth.md): an Entra access token
 * in, an ACR refresh token out, which docker then uses as the password of the null-GUID user.
 */

/** The user name that tells a registry the password is an ACR refresh token. */
export const acrUsername = '00000000-0000-0000-0000-000000000000';

/** The Entra audience of ACR's data plane (a narrower token than Azure Resource Manager's). */
export const acrScope = 'https://containerregistry.azure.net/.default';

// ACR refresh tokens last about 3 hours; used when the token does not say.
const defaultLifetimeSeconds = 3 * 3600;

/** Where to exchange: the registry itself (never a host its answers name). */
export interface RegistryEndpoint {
  /** host[:port] as docker names it; ACR's `service`. */
  service: string;
  /** https://host[:port], or http:// for a loopback registry. */
  origin: string;
}

export function registryEndpoint(service: string): RegistryEndpoint {
  const hostname = service.replace(/:\d+$/, '');
  return { service, origin: `${isLoopbackHost(hostname) ? 'http' : 'https'}://${service}` };
}

export interface EntraAccess {
  accessToken: string;
  /** The tenant the token was issued in (its `tid`), else the configured one. */
  tenant: string;
}

/** POST /oauth2/exchange with grant_type=access_token; one typed error when the registry says no. */
export async function exchangeForAcrRefreshToken(
  registry: RegistryEndpoint,
  entra: EntraAccess,
  http: Sender,
  now: Date,
): Promise<ExchangedToken> {
  const res = await http.send({
    method: 'POST',
    url: `${registry.origin}/oauth2/exchange`,
    form: { grant_type: 'access_token', service: registry.service, tenant: entra.tenant, access_token: entra.accessToken },
    purpose: 'the registry token exchange',
  });
  return parseExchangeResponse(res, registry, now);
}

function registryMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { errors?: Array<{ message?: unknown }>; error_description?: unknown; error?: unknown };
    const message = parsed.errors?.[0]?.message ?? parsed.error_description ?? parsed.error;
    return typeof message === 'string' && message !== '' ? redact(message.split(/\r?\n/)[0]!.trim()) : undefined;
  } catch {
    return undefined;
  }
}

export function parseExchangeResponse(res: HttpResponse, registry: RegistryEndpoint, now: Date): ExchangedToken {
  const said = registryMessage(res.body);
  const status = `HTTP ${res.status}${said ? `: ${said.replace(/[.\s]+$/, '')}` : ''}`;
  if (res.status === 401 || res.status === 403) {
    throw new AuthenticationError(
      `${registry.service} refused the Entra token (${status}); check that the identity may pull from the registry (the AcrPull role) and that azsess signs in to the registry's tenant.`,
    );
  }
  if (res.status === 404) {
    throw new ConfigError(
      `${registry.service} has no token exchange (${status}), so it is not an Azure Container Registry; remove it from AZSESS_ACR_HOSTS or from docker's credHelpers.`,
    );
  }
  // A 200 that is not JSON is a proxy's page, not a registry's answer: say so as for Entra.
  const refreshToken = res.status === 200 ? jsonBody(res, 'The registry token exchange', registry.service).refresh_token : undefined;
  if (res.status !== 200 || typeof refreshToken !== 'string' || refreshToken === '') {
    throw new ServiceError(
      `The registry token exchange at ${registry.service} answered ${status}${res.status === 200 ? ' without a refresh token' : ''}; try again later.`,
    );
  }
  rememberSecret(refreshToken);
  const exp = decodeClaims(refreshToken)?.exp;
  const expiry = typeof exp === 'number' ? new Date(exp * 1000) : new Date(now.getTime() + defaultLifetimeSeconds * 1000);
  return { refreshToken, expiry };
}
