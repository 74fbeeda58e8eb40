import { signInWithAuthCode } from '../protocols/auth-code.js';
import { acquireWithClientSecret } from '../protocols/client-credentials.js';
import { signInWithDeviceCode } from '../protocols/device-code.js';
import { acquireManagedIdentityToken } from '../protocols/managed-identity/index.js';
import { redeemRefreshToken } from '../protocols/refresh-token.js';
import type { AppTarget, ProtocolDeps, TokenResult } from '../protocols/types.js';
import { ConfigError } from './errors.js';
import { defaultRedirectUri } from './session.js';
import type { TokenQuery } from './token-query.js';

/** Adapts a query to the protocol functions, which know nothing of settings or sessions. */

export function targetOf(query: TokenQuery): AppTarget {
  return { authority: query.authority, tenant: query.tenant, clientId: query.clientId };
}

/** App-only protocols: no person, no refresh token; a new token every time the cached one ends. */
export async function acquireAppOnly(query: TokenQuery, deps: ProtocolDeps): Promise<TokenResult> {
  switch (query.protocol) {
    case 'AzClientCredentials':
      return acquireWithClientSecret(targetOf(query), query.resource, query.clientSecret, deps);
    case 'AzVMCredentials':
      return acquireManagedIdentityToken(query.resource, query.identity, deps);
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
    case 'AzDeviceCodeFlowCredentials':
      return signInWithDeviceCode(targetOf(query), query.scopeAuth, deps);
    case 'AzAuthCodeFlowCredentials': {
      const browser = query.browser ?? { redirectUri: defaultRedirectUri, redirectUriGiven: false };
      const token = await signInWithAuthCode(targetOf(query), query.scopeAuth, query.scope, browser, deps);
      // The URI as configured, not the port used, so AzSessions.jl and later runs match the session.
      return { ...token, redirectUri: browser.redirectUri };
    }
    default:
      throw new ConfigError(`The ${query.protocol} sign-in is not available in this version of azsess.`);
  }
}

export async function refreshFor(query: TokenQuery, refreshToken: string, deps: ProtocolDeps): Promise<TokenResult> {
  return redeemRefreshToken(targetOf(query), refreshToken, query.scope, deps);
}
