import { join } from 'node:path';
import { isAccountOf, parseAzAccount, type AzAccount, type AzUser } from '../domain/az-account.js';
import { stripBom } from '../io/atomic-write.js';
import { azSubscriptionsFileName, readOptionalFile } from './home.js';

/*
 * The subscriptions az-subscriptions.ts keeps, read without the lock (writes are renames): light,
 * because every az get-access-token asks for the person's default.
 */

export function azSubscriptionsPath(home: string): string {
  return join(home, azSubscriptionsFileName);
}

/** The accounts as found; a missing file is none, an unreadable entry is skipped. */
function parse(text: string): AzAccount[] | undefined {
  let data: unknown;
  try {
    data = JSON.parse(stripBom(text));
  } catch {
    return undefined;
  }
  const list = (data as { subscriptions?: unknown } | null)?.subscriptions;
  if (!Array.isArray(list)) return undefined;
  return list.map(parseAzAccount).filter((a): a is AzAccount => a !== undefined);
}

/**
 * Every stored account, read without the lock (writes are renames). A file that is not ours to
 * read (broken by hand) reads as none: it is a cache of what ARM says, and the next sign-in
 * replaces it.
 */
export function readAzSubscriptions(home: string): AzAccount[] {
  const text = readOptionalFile(azSubscriptionsPath(home), 'check its permissions, or move it away and sign in again');
  return text === undefined ? [] : (parse(text) ?? []);
}

/** The person's default account among these, if they have one. */
export function defaultAccountOf(accounts: readonly AzAccount[], user: AzUser): AzAccount | undefined {
  return accounts.find((a) => a.isDefault && isAccountOf(a, user));
}

/** One person's accounts, their default first. */
export function azSubscriptionsOf(home: string, user: AzUser): AzAccount[] {
  const mine = readAzSubscriptions(home).filter((a) => isAccountOf(a, user));
  return [...mine.filter((a) => a.isDefault), ...mine.filter((a) => !a.isDefault)];
}

/** `--subscription` names an account by id or by name (names compare without case, as az does). */
export function matchesSubscription(account: AzAccount, idOrName: string): boolean {
  const wanted = idOrName.trim().toLowerCase();
  return account.id.toLowerCase() === wanted || account.name.toLowerCase() === wanted;
}

/**
 * The person's account that `--subscription` names (id or name), else their default: what `account
 * show` prints and whose tenant `get-access-token --subscription` asks at. Undefined when none.
 */
export function findAzSubscription(home: string, user: AzUser, idOrName?: string): AzAccount | undefined {
  if (idOrName === undefined) return defaultAccountOf(readAzSubscriptions(home), user);
  return azSubscriptionsOf(home, user).find((a) => matchesSubscription(a, idOrName));
}
