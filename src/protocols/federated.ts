import { ConfigError } from '../domain/errors.js';
import { decodeClaims } from '../domain/jwt.js';
import { defaultScopeOf } from '../domain/scopes.js';
import { jwtBearerAssertionType } from '../oauth/client-assertion.js';
import { fetchFederatedToken } from './assertion-sources/index.js';
import { describeSource, type FederatedSource } from './assertion-sources/types.js';
import { checkAppOnlyTarget } from './client-credentials.js';
import { requestToken } from './token-endpoint.js';
import type { AppTarget, Grant, ProtocolDeps, TokenResult } from './types.js';

/** Issuer, subject and audience of a token: what a federated credential must match (not secret). */
function describeToken(token: string, deps: ProtocolDeps): string {
  const claims = decodeClaims(token);
  if (!claims) return 'a token that is not a JWT';
  const aud = Array.isArray(claims.aud) ? claims.aud.join(', ') : claims.aud;
  const left = typeof claims.exp === 'number' ? `, expires in ${Math.round(claims.exp - deps.now().getTime() / 1000)} s` : '';
  return `issuer ${String(claims.iss)}, subject ${String(claims.sub)}, audience ${String(aud)}${left}`;
}

/**
 * Workload identity federation (entra-protocol.md 5.3): the client credentials grant with a
 * token from another issuer as the client assertion. The token is fetched anew for every
 * request, so a job that outlives one token keeps working; only its source is ever stored.
 */
export async function acquireWithFederatedToken(
  target: AppTarget,
  resource: string,
  source: FederatedSource,
  deps: ProtocolDeps,
  extra: { claims?: string } = {},
): Promise<TokenResult> {
  checkAppOnlyTarget(target, 'federated');
  const token = await fetchFederatedToken(source, deps);
  deps.log.verbose(`Federated token from ${describeSource(source)}: ${describeToken(token, deps)}.`);
  const form = {
    grant_type: 'client_credentials',
    client_id: target.clientId,
    client_assertion_type: jwtBearerAssertionType,
    client_assertion: token,
    scope: defaultScopeOf(resource),
    ...(extra.claims ? { claims: extra.claims } : {}),
  };
  return requestToken(target, form, deps, {
    what: `Entra ID refused the federated token from ${describeSource(source)}`,
    hint: "check that the app registration has a federated credential for this token's issuer, subject and audience (azsess --verbose shows them)",
  });
}

/** The registry's grant: a token from the request's federated source as the client assertion. */
export const grant: Grant = {
  acquire(request, deps) {
    if (!request.federated) throw new ConfigError('federated needs a token source; pass --federated-token-source (docs/ci.md).');
    return acquireWithFederatedToken(request, request.resource, request.federated, deps, { claims: request.claims });
  },
};
