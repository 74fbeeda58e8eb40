import type { AppTarget, GrantRequest, GrantResult, ProtocolDeps, TokenResult } from '../protocols/types.js';
import { claimsToSend } from '../domain/claims.js';
import { loadGrant } from '../protocols/registry.js';
import type { TokenQuery } from './token-query.js';

/**
 * Adapts a query to the protocol functions, which know nothing of settings or sessions. Each
 * protocol module is loaded when it is used (protocols/registry.ts): a refresh needs neither
 * the browser listener (node:http) nor certificate signing (node:crypto), and a herd of processes
 * pays for what it loads.
 */

export function targetOf(query: TokenQuery): AppTarget {
  return { authority: query.authority, tenant: query.tenant, clientId: query.clientId };
}

/** The query as a grant reads it, with the `claims` of every request: its challenge, plus cp1 with --cae. */
function grantRequest(query: TokenQuery): GrantRequest {
  return { ...query, claims: claimsToSend(query.claims, query.cae) };
}

/**
 * A new token from the query's grant: a person signs in (user protocols: the scopes consented are
 * `scopeAuth`, the asked resource first), or an application or managed identity gets one (no
 * person, no refresh token; a new token every time the cached one ends).
 */
export async function acquireFresh(query: TokenQuery, deps: ProtocolDeps): Promise<GrantResult> {
  const grant = await loadGrant(query.protocol);
  return grant.acquire(grantRequest(query), deps);
}

export async function refreshFor(query: TokenQuery, refreshToken: string, deps: ProtocolDeps): Promise<TokenResult> {
  const { redeemRefreshToken } = await import('../protocols/refresh-token.js');
  const claims = claimsToSend(query.claims, query.cae);
  return redeemRefreshToken(targetOf(query), refreshToken, query.scope, deps, claims ? { claims } : {});
}
