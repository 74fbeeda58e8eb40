import type { ProtocolDeps } from '../protocols/types.js';
import { defaultOffsetSeconds, getToken, networkOnce } from '../core/get-token.js';
import type { Session } from '../domain/session.js';
import type { TokenQuery } from '../core/token-query.js';
import type { Runtime } from './runtime.js';

/** The network side, built once and only when a request is due (undici loads then). */
export function lazyNetwork(rt: Runtime): () => Promise<ProtocolDeps> {
  return networkOnce(() => import('./network.js').then(({ startNetwork }) => startNetwork(rt)));
}

/**
 * A token for a credential helper (git, docker), as `azsess token` gets it: a lock-free cache hit,
 * else the engine (refresh under the lock, else a sign-in when stderr is a terminal: git and
 * docker leave the helper's stderr on the user's terminal).
 */
export async function helperToken(rt: Runtime, query: TokenQuery, network: () => Promise<ProtocolDeps>): Promise<Session> {
  return getToken(
    query,
    { offsetSeconds: defaultOffsetSeconds(), interactive: () => rt.ctx.stderrIsTTY, clearCache: false },
    { store: rt.store, log: rt.log, now: rt.ctx.now, network },
  );
}
