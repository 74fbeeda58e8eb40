import type { ProtocolDeps } from '../protocols/types.js';
import { findCachedToken } from './cache-lookup.js';
import type { EngineDeps, TokenOptions } from './engine.js';
import type { Session } from '../domain/session.js';
import type { TokenQuery } from './token-query.js';

/** AzSessions.jl's margin: a random 5-10 minutes, so many machines do not all refresh at once. */
export function defaultOffsetSeconds(): number {
  return 300 + Math.random() * 300;
}

/** The network side, built at most once and only when a request is due (undici loads then). */
export function networkOnce(build: () => Promise<ProtocolDeps>): () => Promise<ProtocolDeps> {
  let built: Promise<ProtocolDeps> | undefined;
  return () => (built ??= build());
}

export interface GetTokenOptions extends TokenOptions {
  /** False when the caller has just looked in the cache itself (azsess serve): straight to the engine. */
  lockFreeLookup?: boolean;
}

/**
 * The one use case: a lock-free cache hit (no network module loaded), else the engine behind one
 * lazy import (a refresh by exactly one process under the lock), else a sign-in when allowed.
 */
export async function getToken(query: TokenQuery, options: GetTokenOptions, deps: EngineDeps): Promise<Session> {
  const { lockFreeLookup = true, ...engineOptions } = options;
  // A claims challenge means the cached token was refused: it is not used.
  if (lockFreeLookup && !options.clearCache && !query.claims) {
    const hit = await findCachedToken(query, options.offsetSeconds, deps.store, deps.now());
    if (hit) {
      deps.log.verbose('Cache hit: no request made.');
      return hit;
    }
  }
  const { acquireToken } = await import('./engine.js');
  return acquireToken(query, engineOptions, deps);
}

/** `azsess login`: a sign-in now (or, app-only, a token), never the cache; the engine loads here too. */
export async function signInNow(query: TokenQuery, deps: EngineDeps): Promise<Session> {
  const { login } = await import('./engine.js');
  return login(query, deps);
}
