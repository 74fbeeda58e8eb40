import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAccountOf, parseAzAccount, type AzAccount, type AzUser } from '../domain/az-account.js';
import { ConfigError } from '../domain/errors.js';
import { stripBom } from '../io/atomic-write.js';
import { azSubscriptionsFileName } from './home.js';
import { updateLockedFile, type LockedFileOptions } from './locked-file.js';

/*
 * The subscriptions (and tenant-level accounts) of the people signed in, in the Azure CLI's shape,
 * as ARM listed them at sign-in or `azsess import az` found them: what the az entry's `account
 * show/list/set` answer. A file of its own, so AzSessions.jl, which reads only sessions.json and
 * manifest.json, never meets it: `{"subscriptions": [<az account>, ...]}`, like azureProfile.json.
 * Each person has at most one default (two terminals may run as two people).
 */

export { azSubscriptionsFileName };

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

function readFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ConfigError(`Cannot read ${path} (${code ?? 'error'}); check its permissions, or move it away and sign in again.`, { cause: err });
  }
}

/**
 * Every stored account, read without the lock (writes are renames). A file that is not ours to
 * read (broken by hand) reads as none: it is a cache of what ARM says, and the next sign-in
 * replaces it.
 */
export function readAzSubscriptions(home: string): AzAccount[] {
  const text = readFile(azSubscriptionsPath(home));
  return text === undefined ? [] : (parse(text) ?? []);
}

/** One person's accounts, their default first. */
export function azSubscriptionsOf(home: string, user: AzUser): AzAccount[] {
  const mine = readAzSubscriptions(home).filter((a) => isAccountOf(a, user));
  return [...mine.filter((a) => a.isDefault), ...mine.filter((a) => !a.isDefault)];
}

function format(accounts: readonly AzAccount[]): string {
  return `${JSON.stringify({ subscriptions: accounts }, null, 2)}\n`;
}

/** The same account (subscription at a tenant, of one person in one cloud). */
function sameAccount(a: AzAccount, b: AzAccount): boolean {
  return a.id.toLowerCase() === b.id.toLowerCase() && a.tenantId.toLowerCase() === b.tenantId.toLowerCase() && a.environmentName === b.environmentName && isAccountOf(a, b.user);
}

/**
 * One default per person: the one `preferred` names if it is among theirs, else the default
 * they had, else their first enabled account, else their first.
 */
function withOneDefault(accounts: AzAccount[], user: AzUser, previous: readonly AzAccount[], preferred?: (a: AzAccount) => boolean): AzAccount[] {
  const mine = accounts.filter((a) => isAccountOf(a, user));
  const had = previous.find((a) => isAccountOf(a, user) && a.isDefault);
  const chosen =
    (preferred && mine.find(preferred)) ??
    (had && mine.find((a) => sameAccount(a, had))) ??
    mine.find((a) => a.state === 'Enabled') ??
    mine[0];
  return accounts.map((a) => (isAccountOf(a, user) ? { ...a, isDefault: a === chosen } : a));
}

function change(home: string, options: LockedFileOptions, apply: (current: AzAccount[]) => AzAccount[]): Promise<AzAccount[]> {
  return updateLockedFile(home, azSubscriptionsPath(home), 'the subscription list', { read: () => readAzSubscriptions(home), change: apply, format }, options);
}

/**
 * Replaces one person's accounts in one cloud with `found` (what ARM listed at a sign-in), keeping
 * their default when it is still there; `defaultId` (a subscription id or name), or an account
 * `found` marks `isDefault`, picks another.
 * Other people's accounts stay. Returns the person's accounts as stored.
 */
export async function saveAzSubscriptions(
  home: string,
  options: LockedFileOptions,
  user: AzUser,
  found: readonly AzAccount[],
  defaultId?: string,
): Promise<AzAccount[]> {
  const environments = new Set(found.map((a) => a.environmentName));
  const stored = await change(home, options, (current) => {
    const kept = current.filter((a) => !(isAccountOf(a, user) && environments.has(a.environmentName)));
    // The default asked for, else the one `found` marks (az's, on an import), else the one they had.
    const marked = found.find((a) => a.isDefault);
    const preferred =
      defaultId !== undefined ? (a: AzAccount) => matchesSubscription(a, defaultId) : marked ? (a: AzAccount) => sameAccount(a, { ...marked, user }) : undefined;
    return withOneDefault([...kept, ...found.map((a) => ({ ...a, user: { ...user } }))], user, current, preferred);
  });
  return stored.filter((a) => isAccountOf(a, user));
}

/** `--subscription` names an account by id or by name (names compare without case, as az does). */
export function matchesSubscription(account: AzAccount, idOrName: string): boolean {
  const wanted = idOrName.trim().toLowerCase();
  return account.id.toLowerCase() === wanted || account.name.toLowerCase() === wanted;
}

/** `account set`: makes the person's account named by id or name their default; undefined when they have none such. */
export async function setDefaultAzSubscription(home: string, options: LockedFileOptions, user: AzUser, idOrName: string): Promise<AzAccount | undefined> {
  if (!azSubscriptionsOf(home, user).some((a) => matchesSubscription(a, idOrName))) return undefined;
  const stored = await change(home, options, (current) => withOneDefault(current, user, current, (a) => matchesSubscription(a, idOrName)));
  return stored.find((a) => isAccountOf(a, user) && a.isDefault);
}

/** `logout` and `account clear`: removes one person's accounts (or everyone's); returns how many went. */
export async function removeAzSubscriptions(home: string, options: LockedFileOptions, user?: AzUser): Promise<number> {
  let removed = 0;
  if (readAzSubscriptions(home).length === 0) return 0;
  await change(home, options, (current) => {
    const kept = current.filter((a) => user !== undefined && !isAccountOf(a, user));
    removed = current.length - kept.length;
    return kept;
  });
  return removed;
}

/**
 * The person's account that `--subscription` names (id or name), else their default: what `account
 * show` prints and whose tenant `get-access-token --subscription` asks at. Undefined when none.
 */
export function findAzSubscription(home: string, user: AzUser, idOrName?: string): AzAccount | undefined {
  const mine = azSubscriptionsOf(home, user);
  return idOrName === undefined ? mine.find((a) => a.isDefault) : mine.find((a) => matchesSubscription(a, idOrName));
}
