import type { ProtocolDeps } from '../protocols/types.js';
import { findCachedToken } from '../core/cache-lookup.js';
import type { Session } from '../core/session.js';
import type { TokenQuery } from '../core/token-query.js';
import type { Runtime } from './runtime.js';

/** The network side, built once and only when a request is due (undici loads then). */
export function lazyNetwork(rt: Runtime): () => Promise<ProtocolDeps> {
  let network: Promise<ProtocolDeps> | undefined;
  return () => {
    network ??= import('./network.js').then(({ startNetwork }) => startNetwork(rt));
    return network;
  };
}

/**
 * A token for a credential helper (git, docker), as `azsess token` gets it: a lock-free cache hit,
 * else the engine (refresh under the lock, else a sign-in when stderr is a terminal: git and
 * docker leave the helper's stderr on the user's terminal).
 */
export async function helperToken(rt: Runtime, query: TokenQuery, network: () => Promise<ProtocolDeps>): Promise<Session> {
  // AzSessions.jl's margin: a random 5-10 minutes, so many machines do not all refresh at once.
  const offsetSeconds = 300 + Math.random() * 300;
  const hit = await findCachedToken(query, offsetSeconds, rt.store, rt.ctx.now());
  if (hit) {
    rt.log.verbose('Cache hit: no request made.');
    return hit;
  }
  const { acquireToken } = await import('../core/engine.js');
  return acquireToken(
    query,
    { offsetSeconds, interactive: () => rt.ctx.stderrIsTTY, clearCache: false },
    { store: rt.store, log: rt.log, now: rt.ctx.now, network },
  );
}
