import { resourceKey, scopeKey } from '../domain/resource-id.js';
import type { Session } from '../domain/session.js';
import type { TokenQuery } from '../core/token-query.js';
import type { AskedIdentity, Refusal } from './msi-protocol.js';
import { configuredIdentity, identityMismatch, mergeIdentities, tokenIdentity } from './served-identity.js';
import { singleFlight } from './single-flight.js';

/** How the server's tokens are found and made: the same cache and engine as `azsess token`. */
export interface TokenEngine {
  /** The query `azsess token --resource R` with the server's settings would make; throws a usage error for a bad resource. */
  queryFor(resource: string): TokenQuery;
  /** A cached token valid long enough, without the lock or the network. */
  cached(query: TokenQuery): Promise<Session | undefined>;
  /** The engine, never signing in: a refresh under the lock, or an InteractionRequiredError. */
  acquire(query: TokenQuery): Promise<Session>;
}

export interface ServedToken {
  session: Session;
  /** The log's word: from the cache, refreshed, or a refresh another request started. */
  outcome: 'cache' | 'refreshed' | 'shared refresh';
  clientId: string;
}

/** A request the server refuses after looking at what it asks for (an identity it does not serve). */
export class RefusedRequest extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.description);
  }
}

function mismatchRefusal(description: string): RefusedRequest {
  return new RefusedRequest({ status: 400, error: 'invalid_request', description, outcome: 'identity not served' });
}

/** Tokens by resource; concurrent misses for one resource share one engine call. */
export function createTokenSource(engine: TokenEngine): (resource: string, asked: AskedIdentity) => Promise<ServedToken> {
  const flights = singleFlight<Session>();
  return async (resource, asked) => {
    const query = engine.queryFor(resource);
    const configured = configuredIdentity(query);
    // Refuse what the settings already rule out before any refresh is made for it.
    const early = identityMismatch(asked, configured, true);
    if (early) throw mismatchRefusal(early);
    const since = flights.mark();
    let session = await engine.cached(query);
    let outcome: ServedToken['outcome'] = 'cache';
    if (!session) {
      const flight = flights.run(JSON.stringify([query.protocol, query.scope.map(scopeKey).sort(), resourceKey(query.resource), query.options ?? {}]), () => engine.acquire(query), since);
      session = await flight.result;
      outcome = flight.joined ? 'shared refresh' : 'refreshed';
    }
    const fromToken = tokenIdentity(session.token);
    const late = identityMismatch(asked, mergeIdentities(configured, fromToken), false);
    if (late) throw mismatchRefusal(late);
    return { session, outcome, clientId: configured.clientIds[0] ?? fromToken.clientIds[0] ?? '' };
  };
}
