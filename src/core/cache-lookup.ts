import { readSessions, type StoreOptions } from '../store/sessions.js';
import type { SessionsDocument } from '../store/sessions-document.js';
import { forAccount } from '../domain/accounts.js';
import { hasValidToken, sessionMatches, type Session, type SessionQuery } from '../domain/session.js';
import type { TokenQuery } from './token-query.js';

/**
 * The query with the account it is for (a helper's cache key), and the document it was read from:
 * one lock-free read serves the caller's next look too (the docker helper's registry token).
 */
export async function withWantedAccount<Q extends SessionQuery>(query: Q, store: StoreOptions & { home: string }): Promise<{ query: Q; doc: SessionsDocument }> {
  const doc = await readSessions(store.home, store);
  return { query: forAccount(query, doc.sessions), doc };
}

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
  return validSession(doc.sessions, query, now, offsetSeconds);
}

/** The session that answers `query` with a token valid `offsetSeconds` more, if one is stored. */
export function validSession(sessions: Session[], query: TokenQuery, now: Date, offsetSeconds: number): Session | undefined {
  // The account: --account's, else the one that signed in last (never another person's token).
  const wanted = forAccount(query, sessions);
  return sessions.find((s) => sessionMatches(s, wanted) && hasValidToken(s, now, offsetSeconds));
}
