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

/** The engine is a layer of its own (azsess-engine.cjs), loaded here only: a cache hit never loads it. */
const engine = () => import('./engine.js');

/**
 * The use case's first half: a token the cache holds, valid past the offset, read without the
 * lock and without loading any network module.
 */
export async function cachedToken(query: TokenQuery, options: Pick<TokenOptions, 'offsetSeconds' | 'clearCache'>, deps: EngineDeps): Promise<Session | undefined> {
  // A claims challenge means the cached token was refused: it is not used.
  if (options.clearCache || query.claims) return undefined;
  const hit = await findCachedToken(query, options.offsetSeconds, deps.store, deps.now());
  if (hit) deps.log.verbose('Cache hit: no request made.');
  return hit;
}

/** Its second half: the engine, a refresh by exactly one process under the lock, else a sign-in when allowed. */
export async function freshToken(query: TokenQuery, options: TokenOptions, deps: EngineDeps): Promise<Session> {
  return (await engine()).acquireToken(query, options, deps);
}

/**
 * The one use case: a lock-free cache hit, else the engine. Callers take the halves apart only to
 * put something between them (azsess serve coalesces concurrent misses).
 */
export async function getToken(query: TokenQuery, options: TokenOptions, deps: EngineDeps): Promise<Session> {
  return (await cachedToken(query, options, deps)) ?? freshToken(query, options, deps);
}

/** `azsess login`: a sign-in now (or, app-only, a token), never the cache. */
export async function signInNow(query: TokenQuery, deps: EngineDeps): Promise<Session> {
  return (await engine()).login(query, deps);
}
