import { findCachedToken } from '../core/cache-lookup.js';
import { getToken, networkOnce } from '../core/get-token.js';
import { resolveQuery, type QueryFlags } from '../core/resolve-query.js';
import type { Session } from '../domain/session.js';
import type { TokenQuery } from '../core/token-query.js';
import { pinnedAccount, serveValiditySeconds } from '../serve/serve-policy.js';
import type { TokenEngine } from '../serve/token-source.js';
import type { CommonOptions, Runtime } from './runtime.js';

export interface ServeEngineInput {
  opts: QueryFlags & CommonOptions;
  rt: Runtime;
  certificatePassword: string | undefined;
  /** The bound on one request's network and lock work (--timeout, AZSESS_TIMEOUT). */
  requestBudgetMs: number;
  /** Aborted when the server stops: requests in flight end. */
  signal: AbortSignal;
}

/**
 * `azsess serve`'s tokens from the same settings, cache and engine as `azsess token --resource R`,
 * with each request bounded on its own and no sign-in ever started. The network side is built
 * once, on the first refresh, and shared.
 */
export function serveEngine({ opts, rt, certificatePassword, requestBudgetMs, signal }: ServeEngineInput): TokenEngine {
  const shared = networkOnce(() => import('./network.js').then(({ buildNetwork }) => buildNetwork(rt, signal)));
  const account = pinnedAccount(rt.log);
  const extras = certificatePassword !== undefined ? { certificatePassword } : {};
  return {
    queryFor: (resource) => account.apply(resolveQuery({ ...opts, resource }, rt.ctx.env, rt.home.value, extras)),
    cached: async (query) => account.pin(query, await findCachedToken(query, serveValiditySeconds, rt.store, rt.ctx.now())),
    acquire: async (query) => account.pin(query, await acquire(query)),
  };

  async function acquire(query: TokenQuery): Promise<Session> {
    const deadline = rt.ctx.now().getTime() + requestBudgetMs;
    // `cached` has just looked lock-free: straight to the engine (refresh under the lock, never a sign-in).
    return getToken(
      query,
      {
        offsetSeconds: serveValiditySeconds,
        interactive: () => false,
        clearCache: false,
        lockFreeLookup: false,
        ...(opts.home ? { homeFlag: opts.home } : {}),
      },
      {
        store: { ...rt.store, deadline },
        log: rt.log,
        now: rt.ctx.now,
        network: async () => {
          const net = await shared();
          return { ...net, http: net.senderUntil(deadline) };
        },
      },
    );
  }
}
