import { saveAzSubscriptions } from '../store/az-subscriptions.js';
import type { LockedFileOptions } from '../store/locked-file.js';
import { discoverAccounts, type DiscoverInput, type Discovered } from './arm-subscriptions.js';

/**
 * After a sign-in (`az login`, `account list --refresh`): the person's accounts as ARM lists them
 * now, stored in the home in place of theirs (their default kept while it is listed). Returns what
 * is stored for them, and the tenants that were skipped (to warn about, as az does).
 */
export async function refreshAzSubscriptions(
  input: DiscoverInput,
  store: LockedFileOptions & { home: string },
  defaultId?: string,
): Promise<Discovered> {
  const found = await discoverAccounts(input);
  const accounts = await saveAzSubscriptions(store.home, store, input.user, found.accounts, defaultId);
  return { accounts, skipped: found.skipped };
}
