import { findCachedToken } from '../core/cache-lookup.js';
import { getToken, networkOnce } from '../core/get-token.js';
import { isUserProtocol } from '../core/protocol-names.js';
import type { Session } from '../core/session.js';
import type { TokenQuery } from '../core/token-query.js';
import type { TokenEngine } from '../serve/token-source.js';
import type { CredentialOptions } from './credential-input.js';
import type { Runtime } from './runtime.js';
import { prepareTokenLookup } from './token-lookup.js';
import type { SignInOptions } from './commands/sign-in-options.js';

/**
 * Tokens are handed out only while valid this long (5 minutes past the answer, and a margin for
 * the answer's way), and refreshed when less is left.
 */
export const serveValiditySeconds = 330;

export interface ServeEngineInput {
  opts: SignInOptions & CredentialOptions;
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
  const account = pinnedAccount(rt);
  return {
    queryFor: (resource) =>
      account.apply(prepareTokenLookup({ ...opts, resource, output: 'raw', offset: serveValiditySeconds }, rt.ctx, rt.home.value, certificatePassword).query),
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

/**
 * One server serves one person: without --account, the default account of its first answer
 * (a UPN or object id, as --account takes it) is kept for the whole run, so a sign-in by someone
 * else meanwhile does not change whose tokens the SDKs get.
 */
function pinnedAccount(rt: Runtime) {
  let selector: string | undefined;
  return {
    apply: (query: TokenQuery): TokenQuery => (selector && !query.accountSelector ? { ...query, accountSelector: selector } : query),
    pin<S extends Session | undefined>(query: TokenQuery, session: S): S {
      if (!session || selector || query.accountSelector || !isUserProtocol(query.protocol)) return session;
      selector = session.account ?? session.accountOid;
      if (selector) rt.log.info(`Serving the tokens of ${selector}, the account that signed in last; --account chooses another.`);
      return session;
    },
  };
}
