import {
  isPersonal,
  readRegistryTokens,
  registryTokensOf,
  removeRegistryToken,
  setRegistryTokens,
  type RegistryToken,
} from '../store/registries.js';
import type { StoreOptions } from '../store/sessions.js';
import { withSessionsLock } from '../store/sessions-lock.js';
import type { SessionsDocument } from '../store/sessions-document.js';
import { saveOrWarn } from '../store/storage-error.js';
import { isUnknownAccount, sameAccount, type AccountRef } from '../domain/accounts.js';
import type { SessionQuery } from '../domain/session.js';

export { registryTokensOf, type RegistryToken };

type Store = StoreOptions & { home: string };

/**
 * A cached registry token is handed out while it stays valid this long: a pull asks the registry
 * for access tokens with it while it runs.
 */
export const registryTokenMarginSeconds = 300;

/** Which Entra app and login a registry token stands for: a token of another one is not reused. */
export function identityKey(query: SessionQuery): string {
  const options = Object.entries(query.options ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`);
  return [query.protocol, query.authority.toLowerCase(), query.tenant.toLowerCase(), query.clientId.toLowerCase(), ...options].join(' ');
}

/**
 * Whose registry token: the identity key, and the person (none for an app or a managed identity).
 * A person's registry token is never another person's, so the account is compared on its own:
 * `--account` may name someone by UPN or by object id.
 */
export interface RegistryOwner {
  identity: string;
  account: AccountRef;
}

function usable(token: RegistryToken | undefined, owner: RegistryOwner, now: Date): token is RegistryToken {
  return (
    token !== undefined &&
    token.refreshToken !== '' &&
    token.identity === owner.identity &&
    sameAccount(token.account, owner.account) &&
    // A person's token only for a named person (sameAccount lets an unknown match only an unknown):
    // an entry stored before azsess recorded accounts is exchanged again, not handed to whoever asks.
    !(isPersonal(token) && isUnknownAccount(token.account)) &&
    token.expiry.getTime() - now.getTime() > registryTokenMarginSeconds * 1000
  );
}

/**
 * The cached token of `server` for this owner, read without the lock (or from `seen`, a
 * document just read so); undefined when a new one is needed.
 */
export async function cachedRegistryToken(
  server: string,
  owner: RegistryOwner,
  store: Store,
  now: Date,
  seen?: SessionsDocument,
): Promise<RegistryToken | undefined> {
  const tokens = seen ? registryTokensOf(seen) : await readRegistryTokens(store.home, store);
  const token = tokens.find((t) => t.server === server);
  return usable(token, owner, now) ? token : undefined;
}

export interface ExchangedToken {
  refreshToken: string;
  expiry: Date;
}

/**
 * Under the lock: the token another process stored meanwhile, else the result of `exchange`,
 * stored. So N concurrent pulls make one exchange. `exchange` must not take the sessions lock.
 * `owner` is whose Entra token `exchange` sends: the person who signed in, whoever was asked for.
 */
export async function exchangeOnce(
  server: string,
  owner: RegistryOwner,
  username: string,
  exchange: () => Promise<ExchangedToken>,
  store: Store,
  now: () => Date,
): Promise<RegistryToken> {
  return withSessionsLock(store.home, store, async (tx) => {
    const current = registryTokensOf(tx.read()).find((t) => t.server === server);
    if (usable(current, owner, now())) return current;
    const fresh: RegistryToken = { server, username, identity: owner.identity, account: owner.account, ...(await exchange()) };
    await saveOrWarn(store.log, () => tx.update((doc) => setRegistryTokens(doc, [fresh, ...registryTokensOf(doc).filter((t) => t.server !== server)])));
    return fresh;
  });
}

/** `docker-credential-azsess erase`: the next `get` exchanges again. */
export async function forgetRegistryToken(server: string, store: Store): Promise<boolean> {
  return removeRegistryToken(store.home, store, server);
}

/** Every cached registry token, for `list` and `status`. */
export async function listRegistryTokens(store: Store): Promise<RegistryToken[]> {
  return readRegistryTokens(store.home, store);
}
