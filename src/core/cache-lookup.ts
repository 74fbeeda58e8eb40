import { readSessions, type StoreOptions } from '../store/sessions.js';
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
  return doc.sessions.find((s) => sessionMatches(s, query) && hasValidToken(s, now, offsetSeconds));
}
