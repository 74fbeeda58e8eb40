import { armEndpointFor } from '../../az/arm-endpoint.js';
import { listTenants } from '../../az/arm-subscriptions.js';
import { accessTokenResult } from '../../az/az-access-token.js';
import { isAccountOf, type AzAccount, type AzUser } from '../../domain/az-account.js';
import type { AzGlobalArgs } from '../../az/az-args.js';
import type { AzValue } from '../../az/az-output.js';
import { environmentNameOfCloud, sessionTenantAccount, userOf } from '../../az/az-session-account.js';
import { refreshAzSubscriptions } from '../../az/az-subscriptions-refresh.js';
import { ConfigError } from '../../domain/errors.js';
import type { Session } from '../../domain/session.js';
import { findAzSubscription, readAzSubscriptions } from '../../store/az-subscriptions-read.js';
import type { AzLoginRecord } from '../../store/az-login-read.js';
import { removeAzSubscriptions, setDefaultAzSubscription } from '../../store/az-subscriptions.js';
import { tokenSession } from '../commands/token-run.js';
import type { CliContext } from '../context.js';
import { startRuntime } from '../runtime.js';
import { authorityOf, azTokenOptions, azTokenOptionsAs, cloudOf, homeOf, tokenAtAccount, type AzTokenOptions } from './az-access-token.js';

/**
 * az's account commands (`account show/list/set/clear`, `account tenant list`, and
 * `get-access-token --subscription`) over the subscriptions kept in the home
 * (store/az-subscriptions.ts). The person is the one whose ARM token az's token command would
 * give: so with no session, az's own "az login" failure.
 */

export interface Person {
  session: Session;
  user: AzUser;
  home: string;
  environmentName: string;
}

/** The person (or app) whose ARM token az's token command gives (at `tenant`, when named). */
export async function signedInPerson(global: AzGlobalArgs, ctx: CliContext, tenant?: string): Promise<Person> {
  const { session } = await tokenSession(await azTokenOptions(tenant === undefined ? {} : { tenant }, global, ctx), ctx);
  return { session, user: userOf(session), home: homeOf(ctx), environmentName: environmentNameOfCloud(cloudOf(ctx)) };
}

/** The person's accounts in the order ARM listed them. */
function accountsOf(person: Person): AzAccount[] {
  return readAzSubscriptions(person.home).filter((a) => isAccountOf(a, person.user));
}

const asValue = (account: AzAccount | Record<string, AzValue>): AzValue => account as unknown as AzValue;

/** az's words for a subscription `--subscription` names that the person does not have. */
function notFound(idOrName: string): ConfigError {
  return new ConfigError(`Subscription '${idOrName}' not found. Check the spelling and casing and try again, or see yours with az account list (--refresh asks Azure Resource Manager again).`);
}

/** With no subscription kept for the person, what they are told to run to list them. */
function noneKept(idOrName: string, user: AzUser): ConfigError {
  return new ConfigError(`Subscription '${idOrName}' not found: azsess keeps no subscriptions yet for ${user.name}; run az account list --refresh to list them from Azure Resource Manager.`);
}

/** `account show [--subscription S]`: the default (or named) account; with none kept, the tenant-level account of the session. */
export async function azAccountShow(subscription: string | undefined, global: AzGlobalArgs, ctx: CliContext): Promise<AzValue> {
  const person = await signedInPerson(global, ctx);
  const mine = accountsOf(person);
  if (mine.length === 0) {
    if (subscription !== undefined) throw noneKept(subscription, person.user);
    return asValue(sessionTenantAccount(person.session, cloudOf(ctx)));
  }
  const found = findAzSubscription(person.home, person.user, subscription) ?? (subscription === undefined ? mine[0] : undefined);
  if (!found) throw notFound(subscription!);
  return asValue(found);
}

/**
 * `account list [--all] [--refresh]`: the person's accounts in this cloud that are Enabled (all of
 * them, of every cloud, with --all), as az's load_cached_subscriptions; --refresh asks ARM first.
 * With none kept, the tenant-level account, as account show.
 */
export async function azAccountList(opts: { all: boolean; refresh: boolean }, global: AzGlobalArgs, ctx: CliContext): Promise<AzValue> {
  const person = await signedInPerson(global, ctx);
  if (opts.refresh) await refreshFromArm(person, global, ctx);
  const mine = accountsOf(person);
  if (mine.length === 0) return [asValue(sessionTenantAccount(person.session, cloudOf(ctx)))];
  const shown = opts.all ? mine : mine.filter((a) => a.environmentName === person.environmentName && a.state === 'Enabled');
  return shown.map(asValue);
}

/**
 * Lists the person's tenants and subscriptions from ARM (only `tenant`'s, when named) and keeps
 * them (their default kept while listed); returns what is kept for them.
 */
export async function refreshFromArm(
  person: Person,
  global: AzGlobalArgs,
  ctx: CliContext,
  only: { tenant?: string; allowNoSubscriptions?: boolean; as?: AzLoginRecord } = {},
): Promise<AzAccount[]> {
  const rt = await startRuntime(ctx, { verbose: global.verbose });
  const { startNetwork } = await import('../network.js');
  const { http } = await startNetwork(rt);
  // `as`: the app or identity az login is signing in, not yet kept.
  const optionsAt = (tenant: string) => (only.as ? azTokenOptionsAs(only.as, { tenant }, global, ctx) : azTokenOptions({ tenant }, global, ctx));
  const armToken = async (tenant: string) => (tenant === 'organizations' ? person.session.token : (await tokenSession(await optionsAt(tenant), ctx)).session.token);
  const { accounts, skipped } = await refreshAzSubscriptions(
    {
      http, armEndpoint: armEndpointFor(authorityOf(ctx), ctx.env), armToken, user: person.user, environmentName: person.environmentName,
      ...(only.tenant !== undefined ? { tenant: only.tenant } : {}), ...(only.allowNoSubscriptions ? { allowNoSubscriptions: true } : {}),
    },
    rt.store,
  );
  for (const s of skipped) rt.log.warn(`Left out the subscriptions of tenant ${s.tenantId}: ${s.reason}`);
  return accounts;
}

/** `account set --subscription S`: the person's account S (id or name) becomes their default. Prints nothing, as az. */
export async function azAccountSet(subscription: string, global: AzGlobalArgs, ctx: CliContext): Promise<AzValue> {
  const person = await signedInPerson(global, ctx);
  const rt = await startRuntime(ctx, { verbose: global.verbose });
  const chosen = await setDefaultAzSubscription(person.home, rt.store, person.user, subscription);
  if (!chosen) {
    throw new ConfigError(
      `The subscription of '${subscription}' doesn't exist in cloud '${person.environmentName}'; see yours with az account list (--refresh asks Azure Resource Manager again).`,
    );
  }
  return null;
}

/**
 * `account clear`: forgets every kept subscription and the app or identity az login kept (people's
 * sessions stay: sign out with azsess clear-cache).
 */
export async function azAccountClear(global: AzGlobalArgs, ctx: CliContext): Promise<AzValue> {
  const rt = await startRuntime(ctx, { verbose: global.verbose });
  await removeAzSubscriptions(homeOf(ctx), rt.store);
  const { removeAzLogin } = await import('../../store/az-login.js');
  await removeAzLogin(homeOf(ctx), rt.store);
  return null;
}

/** `account tenant list`: the tenants ARM lists for the person, asked now, as az does. */
export async function azTenantList(global: AzGlobalArgs, ctx: CliContext): Promise<AzValue> {
  const person = await signedInPerson(global, ctx);
  const rt = await startRuntime(ctx, { verbose: global.verbose });
  const { startNetwork } = await import('../network.js');
  const { http } = await startNetwork(rt);
  const tenants = await listTenants(http, armEndpointFor(authorityOf(ctx), ctx.env), person.session.token);
  return tenants.map((t) => ({
    ...(t.defaultDomain ? { defaultDomain: t.defaultDomain } : {}),
    ...(t.displayName ? { displayName: t.displayName } : {}),
    id: `/tenants/${t.tenantId}`,
    tenantId: t.tenantId,
  }));
}

/**
 * `get-access-token --subscription S`: a token of S's tenant, `subscription` S's id. With no
 * subscription kept for the person, today's answer (the token of azsess's tenant, S as given).
 */
export async function tokenOfSubscription(session: Session, subscription: string, opts: AzTokenOptions, ctx: CliContext): Promise<AzValue> {
  const user = userOf(session);
  const home = homeOf(ctx);
  if (!readAzSubscriptions(home).some((a) => isAccountOf(a, user))) return accessTokenResult(session, subscription);
  const account = findAzSubscription(home, user, subscription);
  if (!account) throw notFound(subscription);
  return tokenAtAccount(session, account, opts, ctx);
}
