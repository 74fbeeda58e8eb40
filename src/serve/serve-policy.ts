import type { Log } from '../domain/log.js';
import { isUserProtocol } from '../domain/protocol-names.js';
import type { Session } from '../domain/session.js';
import type { TokenQuery } from '../core/token-query.js';

/**
 * Tokens are handed out only while valid this long (5 minutes past the answer, and a margin for
 * the answer's way), and refreshed when less is left.
 */
export const serveValiditySeconds = 330;

/**
 * One server serves one person: without --account, the default account of its first answer
 * (a UPN or object id, as --account takes it) is kept for the whole run, so a sign-in by someone
 * else meanwhile does not change whose tokens the SDKs get.
 */
export function pinnedAccount(log: Log) {
  let selector: string | undefined;
  return {
    apply: (query: TokenQuery): TokenQuery => (selector && !query.accountSelector ? { ...query, accountSelector: selector } : query),
    pin<S extends Session | undefined>(query: TokenQuery, session: S): S {
      if (!session || selector || query.accountSelector || !isUserProtocol(query.protocol)) return session;
      selector = session.account ?? session.accountOid;
      if (selector) log.info(`Serving the tokens of ${selector}, the account that signed in last; --account chooses another.`);
      return session;
    },
  };
}
