import type { AppTarget, ProtocolDeps, TokenResult } from '../protocols/types.js';
import { claimsToSend } from './claims.js';
import { ConfigError } from './errors.js';
import { defaultRedirectUri } from './session.js';
import { isGuid } from './tenant.js';
import type { TokenQuery } from './token-query.js';

/**
 * Adapts a query to the protocol functions, which know nothing of settings or sessions. Each
 * protocol module is loaded when it is used: a refresh needs neither the browser listener
 * (node:http) nor certificate signing (node:crypto), and a herd of processes pays for what it loads.
 */

export function targetOf(query: TokenQuery): AppTarget {
  return { authority: query.authority, tenant: query.tenant, clientId: query.clientId };
}

/** The `claims` parameter of every request of the query: its challenge, plus cp1 with --cae. */
function claimsOf(query: TokenQuery): { claims?: string } {
  const claims = claimsToSend(query.claims, query.cae);
  return claims ? { claims } : {};
}

/** App-only protocols: no person, no refresh token; a new token every time the cached one ends. */
export async function acquireAppOnly(query: TokenQuery, deps: ProtocolDeps): Promise<TokenResult> {
  switch (query.protocol) {
    case 'AzClientCredentials':
      if (query.certificate) {
        const { acquireWithCertificate } = await import('../protocols/client-certificate.js');
        return acquireWithCertificate(targetOf(query), query.resource, query.certificate, deps, claimsOf(query));
      } else {
        const { acquireWithClientSecret } = await import('../protocols/client-credentials.js');
        return acquireWithClientSecret(targetOf(query), query.resource, query.clientSecret, deps, claimsOf(query));
      }
    case 'AzVMCredentials': {
      if (query.claims) deps.log.verbose('Managed identity takes no claims: getting a new token instead of the cached one.');
      const { acquireManagedIdentityToken } = await import('../protocols/managed-identity/index.js');
      return acquireManagedIdentityToken(query.resource, query.identity, deps);
    }
    case 'AzFederatedCredentials': {
      if (!query.federated) throw new ConfigError('federated needs a token source; pass --federated-token-source (docs/ci.md).');
      const { acquireWithFederatedToken } = await import('../protocols/federated.js');
      return acquireWithFederatedToken(targetOf(query), query.resource, query.federated, deps, claimsOf(query));
    }
    default:
      throw new ConfigError(`The ${query.protocol} protocol is not available in this version of azsess.`);
  }
}

export interface SignInResult extends TokenResult {
  /** Auth code flow: the redirect URI as configured, recorded in the session. */
  redirectUri?: string;
}

/** A person signs in; the scopes consented are `scopeAuth`, the asked resource first. */
export async function signInPerson(query: TokenQuery, deps: ProtocolDeps): Promise<SignInResult> {
  switch (query.protocol) {
    case 'AzDeviceCodeFlowCredentials': {
      const { signInWithDeviceCode } = await import('../protocols/device-code.js');
      return signInWithDeviceCode(targetOf(query), query.scopeAuth, deps, claimsOf(query));
    }
    case 'AzAuthCodeFlowCredentials': {
      const { signInWithAuthCode } = await import('../protocols/auth-code.js');
      const given = query.browser ?? { redirectUri: defaultRedirectUri, redirectUriGiven: false };
      // The account asked for (or whose session needs the sign-in) is the login hint, unless one was given.
      const account = query.accountSelector && !isGuid(query.accountSelector) ? query.accountSelector : query.account?.upn;
      const hint = !given.loginHint && account ? { loginHint: account } : {};
      const browser = { ...given, ...hint };
      const token = await signInWithAuthCode(targetOf(query), query.scopeAuth, query.scope, browser, deps, claimsOf(query).claims);
      // The URI as configured, not the port used, so AzSessions.jl and later runs match the session.
      return { ...token, redirectUri: browser.redirectUri };
    }
    default:
      throw new ConfigError(`The ${query.protocol} sign-in is not available in this version of azsess.`);
  }
}

export async function refreshFor(query: TokenQuery, refreshToken: string, deps: ProtocolDeps): Promise<TokenResult> {
  const { redeemRefreshToken } = await import('../protocols/refresh-token.js');
  return redeemRefreshToken(targetOf(query), refreshToken, query.scope, deps, claimsOf(query));
}
