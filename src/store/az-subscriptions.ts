import { isAccountOf, type AzAccount, type AzUser } from '../domain/az-account.js';
import { azSubscriptionsOf, azSubscriptionsPath, matchesSubscription, readAzSubscriptions } from './az-subscriptions-read.js';
import { updateLockedFile, type LockedFileOptions } from './locked-file.js';

/*
 * The subscriptions (and tenant-level accounts) of the people signed in, in the Azure CLI's shape,
 * as ARM listed them at sign-in or `azsess import az` found them: what the az entry's `account
 * show/list/set` answer. A file of its own, so AzSessions.jl, which reads only sessions.json and
 * manifest.json, never meets it: `{"subscriptions": [<az account>, ...]}`, like azureProfile.json.
 * Each person has at most one default (two terminals may run as two people).
 */

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
