import type { AccountRef } from '../domain/accounts.js';
import type { Log } from '../domain/log.js';
import type { ExchangedToken, RegistryToken } from '../core/registry-tokens.js';
import type { Sender } from '../http/retry.js';
import { acrUsername, exchangeForAcrRefreshToken, registryEndpoint, type EntraAccess } from './acr-exchange.js';
import type { RegistryCredential } from './docker-credential.js';

/** What the docker helper's `get` needs, wired by the CLI to the store, the engine and the network. */
export interface AcrCredentialDeps {
  /** The cached token for this identity, read without the lock. */
  cached(host: string): Promise<RegistryToken | undefined>;
  /**
   * An Entra token for ACR (from the cache, else refreshed, else after a sign-in), and whose it is:
   * the person who signed in may not be the one the cache was looked up for.
   */
  entraToken(): Promise<EntraAccess & { account: AccountRef }>;
  /** Runs `exchange` under the cache lock unless another process has just stored `account`'s token. */
  exchangeOnce(host: string, username: string, account: AccountRef, exchange: () => Promise<ExchangedToken>): Promise<RegistryToken>;
  /** HTTP with retries (loads the network modules). */
  sender(): Promise<Sender>;
  now(): Date;
  log: Log;
}

/**
 * The credential docker wants for an ACR host: the cached ACR refresh token, else a new one from
 * the registry's token exchange, made by one process however many ask at once.
 */
export async function acrCredential(host: string, deps: AcrCredentialDeps): Promise<RegistryCredential> {
  const hit = await deps.cached(host);
  if (hit) {
    deps.log.verbose(`Cache hit for ${host}: no request made.`);
    return { username: hit.username, secret: hit.refreshToken };
  }
  const entra = await deps.entraToken();
  const http = await deps.sender();
  const registry = registryEndpoint(host);
  const token = await deps.exchangeOnce(host, acrUsername, entra.account, () => {
    deps.log.verbose(`Exchanging the Entra token at ${registry.origin}/oauth2/exchange.`);
    return exchangeForAcrRefreshToken(registry, entra, http, deps.now());
  });
  return { username: token.username, secret: token.refreshToken };
}
