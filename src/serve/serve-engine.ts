import { cachedToken, freshToken, networkOnce } from '../core/get-token.js';
import { resolveQuery, type QueryExtras, type QueryFlags } from '../core/resolve-query.js';
import type { EngineDeps } from '../core/engine.js';
import type { TokenQuery } from '../core/token-query.js';
import type { ProtocolDeps } from '../protocols/types.js';
import { pinnedAccount, serveValiditySeconds } from './serve-policy.js';
import type { TokenEngine } from './token-source.js';

export interface ServeEngineInput {
  flags: QueryFlags & { home?: string };
  env: Readonly<Record<string, string | undefined>>;
  home: string;
  extras: QueryExtras;
  store: EngineDeps['store'];
  log: EngineDeps['log'];
  now: () => Date;
  /** The network side (undici loads there), built on the first refresh and shared by every request. */
  buildNetwork: () => Promise<ProtocolDeps>;
  /** The bound on one request's network and lock work (--timeout, AZSESS_TIMEOUT). */
  requestBudgetMs: number;
}

/**
 * `azsess serve`'s tokens by the same use case as `azsess token --resource R`, in its two halves
 * so that concurrent misses can share one engine call (token-source.ts): serve's validity
 * window, its pinned account, each request bounded on its own, and never a sign-in (no one is
 * there to ask).
 */
export function serveEngine(input: ServeEngineInput): TokenEngine {
  const shared = networkOnce(input.buildNetwork);
  const account = pinnedAccount(input.log);
  const options = {
    offsetSeconds: serveValiditySeconds,
    interactive: () => false,
    clearCache: false,
    ...(input.flags.home ? { homeFlag: input.flags.home } : {}),
  };
  const depsUntil = (deadline: number): EngineDeps => ({
    store: { ...input.store, deadline },
    log: input.log,
    now: input.now,
    network: async () => {
      const net = await shared();
      return { ...net, http: net.senderUntil(deadline) };
    },
  });
  const deadline = () => input.now().getTime() + input.requestBudgetMs;
  return {
    queryFor: (resource) => account.apply(resolveQuery({ ...input.flags, resource }, input.env, input.home, input.extras)),
    cached: async (query: TokenQuery) => account.pin(query, await cachedToken(query, options, depsUntil(deadline()))),
    acquire: async (query: TokenQuery) => account.pin(query, await freshToken(query, options, depsUntil(deadline()))),
  };
}
