import { readSessions, type StoreOptions } from '../store/sessions.js';
import { wantedAccount } from './accounts.js';
import { isUserProtocol } from './protocol-names.js';
import { hasValidToken, sessionMatches, type Session } from './session.js';
import type { TokenQuery } from './token-query.js';

/**
 * The cache-hit path of `azsess token`: one lock-free read of sessions.json, no network, and no
 * module that talks to the network loaded. Undefined when the engine must do more.
 */
export async function findCachedToken(
  query: TokenQuery,
  offsetSeconds: number,
  store: StoreOptions & { home: string },
  now: Date,
): Promise<Session | undefined> {
  const doc = await readSessions(store.home, store);
  // The account: --account's, else the one that signed in last (never another person's token).
  const account = isUserProtocol(query.protocol) ? wantedAccount(doc.sessions, query) : undefined;
  const wanted = account ? { ...query, account } : query;
  return doc.sessions.find((s) => sessionMatches(s, wanted) && hasValidToken(s, now, offsetSeconds));
}
