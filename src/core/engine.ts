import type { GrantResult, ProtocolDeps, TokenResult } from '../protocols/types.js';
import { OAuthError } from '../oauth/token-response.js';
import { type StoreOptions, watchSessions } from '../store/sessions.js';
import { updateSessions, withSessionsLock, type SessionsTransaction } from '../store/sessions-lock.js';
import type { SessionsDocument } from '../store/sessions-document.js';
import { accountFromTokens, accountOf, describeAccount, forAccount, sameAccount, selectorAccount } from '../domain/accounts.js';
import { saveOrWarn } from '../store/storage-error.js';
import { acquireFresh, refreshFor } from './acquire.js';
import { validSession } from './cache-lookup.js';
import { networkOnce } from './get-token.js';
import { AuthenticationError, UsageError } from '../domain/errors.js';
import { decodeClaims } from '../domain/jwt.js';
import { mergeClaims } from '../domain/claims.js';
import type { Log } from '../domain/log.js';
import { isUserProtocol, protocolOf } from '../domain/protocol-names.js';
import { refusalFailure, signInNeeded, signInReason } from './refusal-messages.js';
import {
  audienceText,
  defaultAuthority,
  hasValidToken,
  refreshCandidates,
  sameSession,
  sessionMatches,
  type Session,
} from '../domain/session.js';
import { loginCommandFor, type TokenQuery } from './token-query.js';

export interface EngineDeps {
  store: StoreOptions & { home: string };
  log: Log;
  now: () => Date;
  /** Builds the network side on first use (the cache-hit path never calls it). */
  network: () => Promise<ProtocolDeps>;
}

export interface TokenOptions {
  offsetSeconds: number;
  /** Whether a person may be asked to sign in (asked only when one is needed). */
  interactive: () => boolean;
  /**
   * `--clear-cache`: the matching session's token and refresh token are not used, and the session is
   * replaced when its successor is saved, never removed before (a sign-in may not complete).
   */
  clearCache: boolean;
  /** --home as given, for the login command in messages. */
  homeFlag?: string;
}

/** The network side is built at most once per command, and only if a request is due. */
function withNetworkOnce(deps: EngineDeps): EngineDeps {
  return { ...deps, network: networkOnce(deps.network) };
}

/** A session record for a fresh token. */
function sessionFrom(query: TokenQuery, token: GrantResult, base?: Session): Session {
  const { kind } = protocolOf(query.protocol);
  const session: Session = {
    protocol: query.protocol,
    clientId: query.clientId,
    tenant: query.tenant,
    token: token.accessToken,
    expiry: token.expiresAt,
    refreshToken: token.refreshToken ?? '',
    idToken: token.idToken ?? base?.idToken ?? '',
    scope: kind === 'user' ? query.scope : [],
    scopeAuth: kind === 'user' ? (base?.scopeAuth.length ? base.scopeAuth : query.scopeAuth) : [],
    redirectUri: token.redirectUri ?? base?.redirectUri ?? query.redirectUri ?? '',
    resource: kind === 'user' ? '' : query.resource,
    clientSecret: base?.clientSecret ?? '',
    lock: false,
    extra: base?.extra ?? {},
  };
  // A managed identity is not tied to a login host.
  if (query.authority !== defaultAuthority && kind !== 'vm') session.authority = query.authority;
  const account = kind === 'user' ? accountFromTokens(token.idToken ?? '', token.accessToken) : {};
  const upn = account.upn ?? base?.account;
  const oid = account.oid ?? base?.accountOid;
  if (upn) session.account = upn;
  if (oid) session.accountOid = oid;
  if (base?.accountHomeOid) session.accountHomeOid = base.accountHomeOid;
  if (base?.signedIn) session.signedIn = base.signedIn;
  // What was asked is this session's resource: remember the audience Entra gave it (an app id for Graph).
  const aud = audienceText(decodeClaims(token.accessToken)?.aud);
  if (aud !== undefined) session.tokenAudience = aud;
  if (query.options && Object.keys(query.options).length > 0) session.options = query.options;
  return session;
}

/** A new audience or tenant: consented at the candidate's sign-in, by the same person, then. */
function carryFromCandidate(fresh: Session, candidate: Session): void {
  if (candidate.scopeAuth.length) fresh.scopeAuth = candidate.scopeAuth;
  if (candidate.signedIn) fresh.signedIn = candidate.signedIn;
  fresh.account ??= candidate.account;
  fresh.accountOid ??= candidate.accountOid;
  // A guest is another object id in each tenant: the one it signed in with still names it here.
  const home = candidate.accountHomeOid ?? candidate.accountOid;
  if (home && fresh.accountOid && home.toLowerCase() !== fresh.accountOid.toLowerCase()) fresh.accountHomeOid = home;
}

/**
 * Replaces the session (and any duplicate of it) with `session`, newest first as AzSessions.jl keeps
 * them. `refreshed` is the entry whose refresh token made `session`: it goes too (with its own
 * duplicates), since it was the same person's even when nothing in it said whose, as in an
 * AzSessions.jl entry whose tokens' claims name nobody. An entry naming another account stays.
 */
export function upsert(doc: SessionsDocument, session: Session, refreshed?: Session): void {
  const replaced = (s: Session) => sameSession(s, session) || (refreshed !== undefined && sameSession(s, refreshed));
  doc.sessions = [session, ...doc.sessions.filter((s) => !replaced(s))];
}

function dropRefreshToken(doc: SessionsDocument, dead: Session): void {
  for (const s of doc.sessions) if (sameSession(s, dead) && s.refreshToken === dead.refreshToken) s.refreshToken = '';
}

/**
 * No session answered: `query` is the query with its account, `sessions` what was stored, and
 * `refused` Entra's last refusal (quoted to the user; its claims request, if any, goes to the sign-in).
 */
type LockedOutcome = { session: Session } | { needsSignIn: true; query: TokenQuery; sessions: Session[]; refused?: OAuthError };

/** Under the lock: the cached token if another process just made one, else a refresh, else nothing. */
async function refreshUnderLock(given: TokenQuery, opts: TokenOptions, tx: SessionsTransaction, deps: EngineDeps): Promise<LockedOutcome> {
  const doc = tx.read();
  const query = forAccount(given, doc.sessions);
  const now = deps.now();
  // --clear-cache: the matching sessions answer nothing; the fresh one replaces them when saved.
  const own = opts.clearCache ? undefined : doc.sessions.find((s) => sessionMatches(s, query));
  // A claims challenge means the cached token was refused by a resource: get another one.
  if (own && !query.claims && hasValidToken(own, now, opts.offsetSeconds)) return { session: own };
  if (!isUserProtocol(query.protocol)) {
    const fresh = sessionFrom(query, await acquireFresh(query, await deps.network()), own);
    await saveOrWarn(deps.log, () => tx.update((d) => upsert(d, fresh)));
    return { session: fresh };
  }
  let refused: OAuthError | undefined;
  const candidates = refreshCandidates(doc.sessions, query, own).filter((c) => !(opts.clearCache && sessionMatches(c, query)));
  for (const candidate of candidates) {
    const used = candidate === own ? 'its refresh token' : `the refresh token of the ${candidate.scope.join(' ')} session at tenant ${candidate.tenant}`;
    deps.log.verbose(`Refreshing with ${used}.`);
    let token: TokenResult;
    try {
      token = await refreshFor(query, candidate.refreshToken, await deps.network());
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      deps.log.verbose(`Entra ID refused the refresh: ${err.message}`);
      refused = err;
      // Only a dead refresh token is dropped, and only this session's; a refusal of one resource
      // says nothing of the token and ends the search (the account's other tokens get the same).
      if (!err.refreshTokenIsDead) break;
      // A home that cannot be written must not stop the sign-in that can still hand out a token.
      await saveOrWarn(deps.log, () => tx.update((d) => dropRefreshToken(d, candidate)));
      continue;
    }
    const fresh = sessionFrom(query, token, own);
    if (!own) carryFromCandidate(fresh, candidate);
    await saveOrWarn(deps.log, () => tx.update((d) => upsert(d, fresh, candidate === own ? own : undefined)));
    return { session: fresh };
  }
  return { needsSignIn: true, query, sessions: doc.sessions, ...(refused ? { refused } : {}) };
}

/**
 * `azsess token`: the cached token, else a refresh made by exactly one of the processes that need
 * it (lock, read again, refresh only if still needed), else a sign-in when one is allowed. The lock
 * is never held while a person signs in.
 */
export async function acquireToken(query: TokenQuery, opts: TokenOptions, given: EngineDeps): Promise<Session> {
  const deps = withNetworkOnce(given);
  if (opts.clearCache) refuseClearCacheWithoutSignIn(query, opts);
  const changed = watchSessions(deps.store.home);
  const outcome = await withSessionsLock(deps.store.home, deps.store, (tx) => refreshUnderLock(query, opts, tx, deps), {
    // A herd: while one process refreshes under the lock, the others watch the file for its token.
    whileWaiting: () => {
      const doc = changed();
      if (!doc || query.claims || opts.clearCache) return undefined;
      const session = validSession(doc.sessions, query, deps.now(), opts.offsetSeconds);
      return session ? { session } : undefined;
    },
  });
  if ('session' in outcome) return outcome.session;
  const { refused } = outcome;
  if (refused) {
    if (refused.refusal === 'other') throw refused;
    const failure = refusalFailure(outcome.query, refused);
    if (failure) throw failure;
  }
  // Entra's own claims request, when its refusal carried one, is what the sign-in must satisfy too,
  // with the challenge the caller brought (a resource's, through --claims or az login --claims-challenge).
  const claims = refused?.details.claims;
  const signInQuery = claims ? { ...outcome.query, claims: mergeClaims(outcome.query.claims, claims)! } : outcome.query;
  if (!opts.interactive()) throw signInNeeded(signInQuery, outcome.sessions, refused, opts.homeFlag);
  if (refused) deps.log.info(signInReason(outcome.query, refused));
  return signIn(signInQuery, deps, true);
}

/**
 * `azsess login`: a sign-in (or, app-only, a token) now, recorded at the end under the lock. It never
 * uses the stored session, and saving replaces it, so `--clear-cache` changes nothing here: a sign-in
 * that does not complete leaves the store as it was.
 */
export async function login(query: TokenQuery, given: EngineDeps): Promise<Session> {
  const deps = withNetworkOnce(given);
  if (!isUserProtocol(query.protocol)) {
    const net = await deps.network();
    const fresh = sessionFrom(query, await acquireFresh(query, net));
    await updateSessions(deps.store.home, deps.store, (d) => upsert(d, fresh));
    return fresh;
  }
  return signIn(query, deps);
}

/** `printsToken`: the command prints the token, so an unsaved one still serves (login saves only). */
async function signIn(query: TokenQuery, deps: EngineDeps, printsToken = false): Promise<Session> {
  const net = await deps.network();
  const token = await acquireFresh(query, net);
  const fresh = { ...sessionFrom(query, token), signedIn: deps.now() };
  checkSignedInAccount(query, fresh);
  // A person may have outlasted the command's deadline: the write still gets time to take the lock.
  const store = { ...deps.store, deadline: Math.max(deps.store.deadline, deps.now().getTime() + 30_000) };
  const save = () => updateSessions(store.home, store, (d) => upsert(d, fresh));
  await (printsToken ? saveOrWarn(deps.log, save) : save());
  return fresh;
}

/** A sign-in as another person than `--account` names is refused before anything is stored. */
function checkSignedInAccount(query: TokenQuery, fresh: Session): void {
  if (!query.accountSelector) return;
  const got = accountOf(fresh);
  if (sameAccount(selectorAccount(query.accountSelector), got)) return;
  throw new AuthenticationError(
    `Signed in as ${describeAccount(got)}, but ${query.settings.account?.origin ?? '--account'} asks for ${query.accountSelector}; nothing was stored: ` +
      `sign in again as ${query.accountSelector}, or change the account asked for.`,
  );
}

/**
 * `token --clear-cache` of a person with no one to sign in (no terminal, --no-interactive) would end
 * with no session: refused before anything is read or removed.
 */
function refuseClearCacheWithoutSignIn(query: TokenQuery, opts: TokenOptions): void {
  if (!isUserProtocol(query.protocol) || opts.interactive()) return;
  throw new UsageError(
    `--clear-cache needs a sign-in, and none can happen here (no terminal, or --no-interactive); nothing was removed: ` +
      `sign in again where a person can, with ${loginCommandFor(query, opts.homeFlag)}, which replaces the session once the new one is saved.`,
  );
}
