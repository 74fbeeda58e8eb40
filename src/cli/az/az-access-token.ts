import { resolve } from 'node:path';
import { accessTokenResult } from '../../az/az-access-token.js';
import type { AzGlobalArgs, AzTokenArgs } from '../../az/az-args.js';
import type { AzValue } from '../../az/az-output.js';
import { cloudOfAuthority, defaultAzResource, resourceOfType } from '../../az/az-resource-types.js';
import { AuthenticationError, ConfigError, UsageError } from '../../domain/errors.js';
import { decodeClaims } from '../../domain/jwt.js';
import { defaultScopeOf } from '../../domain/scopes.js';
import { readAzLogin, readKeptFederatedToken, type AzLoginRecord } from '../../store/az-login-read.js';
import { defaultAccountOf, readAzSubscriptions } from '../../store/az-subscriptions-read.js';
import { tenantOf, userOf } from '../../az/az-session-account.js';
import type { AzAccount } from '../../domain/az-account.js';
import type { Session } from '../../domain/session.js';
import { homeSettings } from '../../core/resolve-query.js';
import { resolveHome } from '../../core/settings.js';
import { tokenSession } from '../commands/token-run.js';
import { tokenSpec, type TokenOptions } from '../commands/token-spec.js';
import { defaultsOf } from '../option-spec.js';
import type { CliContext } from '../context.js';
import { collectScopes, parseResource, parseTenant } from '../option-parsers.js';

/**
 * `az account get-access-token` as an azsess token query: the same lookup, cache, refresh and
 * sign-in rules as `azsess token` (cli/commands/token-run.ts), with az's result.
 */

/** azsess's home, as the token commands find it. */
export function homeOf(ctx: CliContext): string {
  return resolveHome(undefined, ctx.env, ctx.homedir, (p) => resolve(p)).value;
}

/** The login host azsess would use. */
export function authorityOf(ctx: CliContext): string {
  return homeSettings({}, ctx.env, homeOf(ctx)).authority.value;
}

/** The cloud of the login host azsess would use: it decides what --resource-type and the default name. */
export function cloudOf(ctx: CliContext) {
  return cloudOfAuthority(authorityOf(ctx));
}

/**
 * `azsess token`'s options, the secret of the app `az login -p` signed in (never a flag of
 * azsess's), and az's default audience, of the login host the settings name.
 */
export type AzTokenOptions = TokenOptions & { clientSecret?: string; defaultScopeFor?: (authority: string) => string };

/** No resource: ARM by its older URI, of the cloud of the login host, as az asks for it. */
const azDefaultScopeFor = (authority: string) => defaultScopeOf(defaultAzResource(cloudOfAuthority(authority)));

/**
 * What the command line asks for, as `azsess token`'s options: of the app or managed identity
 * `az login` signed in as (store/az-login-read.ts), else of azsess's own settings, a person's.
 */
export function azTokenOptions(args: AzTokenArgs, global: AzGlobalArgs, ctx: CliContext): Promise<AzTokenOptions> {
  return azTokenOptionsAs(readAzLogin(homeOf(ctx)), args, global, ctx);
}

/** The same, as `login` (undefined: a person) would have them: what `az login` tries before it keeps a login. */
export async function azTokenOptionsAs(login: AzLoginRecord | undefined, args: AzTokenArgs, global: AzGlobalArgs, ctx: CliContext): Promise<AzTokenOptions> {
  // token's own defaults (its spec), then what az's callers expect: JSON.
  const opts: AzTokenOptions = { ...defaultsOf(tokenSpec.options), output: 'json', ...(global.verbose ? { verbose: true } : {}) };
  if (login) Object.assign(opts, await azLoginOptions(login, ctx));
  if (args.tenant !== undefined) opts.tenant = parseTenant(args.tenant);
  if (args.scopes) opts.scope = args.scopes.reduce<string[]>((all, s) => collectScopes(s, all), []);
  else if (args.resource !== undefined) opts.resource = parseResource(args.resource);
  else if (args.resourceType) {
    const cloud = cloudOf(ctx);
    const resource = resourceOfType(args.resourceType, cloud);
    if (!resource) throw new UsageError(`--resource-type ${args.resourceType} has no endpoint in the ${cloud} cloud; name the resource with --resource.`);
    opts.resource = resource;
  } else opts.defaultScopeFor = azDefaultScopeFor;
  return opts;
}

/** The token options of the identity `az login` kept: an app by its proof, a managed identity by its id. */
async function azLoginOptions(login: AzLoginRecord, ctx: CliContext): Promise<Partial<AzTokenOptions>> {
  if (login.kind === 'managed-identity') {
    return {
      protocol: 'AzVMCredentials',
      ...(login.clientId ? { clientId: login.clientId } : {}),
      ...(login.objectId ? { objectId: login.objectId } : {}),
      ...(login.resourceId ? { msiResId: login.resourceId } : {}),
    };
  }
  const app = { tenant: login.tenant, clientId: login.clientId };
  if (login.certificate) return { ...app, protocol: 'AzClientCredentials', clientCertificate: login.certificate };
  if (login.federatedTokenFile) return { ...app, protocol: 'AzFederatedCredentials', ...(await federatedSourceOf(login.federatedTokenFile, ctx)) };
  // Loaded only for a secret: the keychain opens a sealed one.
  const { openAzLoginSecret } = await import('../../store/az-login.js');
  const secret = openAzLoginSecret(homeOf(ctx), login);
  if (secret === undefined) {
    throw new ConfigError(`The client secret az login kept for ${login.clientId} cannot be opened (the keychain no longer holds this home's key); run az login --service-principal again.`);
  }
  return { ...app, protocol: 'AzClientCredentials', clientSecret: secret };
}

/**
 * The token `--federated-token` gave, while it is valid; once it has expired, the CI system's own
 * source when one is here (a GitHub or Azure Pipelines job asks for a fresh one), else a sentence.
 */
async function federatedSourceOf(file: string, ctx: CliContext): Promise<Partial<AzTokenOptions>> {
  const given = { federatedTokenSource: 'file' as const, federatedTokenFile: file };
  const token = readKeptFederatedToken(file);
  // Unreadable: the federated protocol says so, in its words.
  if (token === undefined) return given;
  const exp = decodeClaims(token)?.exp;
  if (typeof exp !== 'number' || exp * 1000 > ctx.now().getTime() + 60_000) return given;
  if (ctx.env.ACTIONS_ID_TOKEN_REQUEST_URL || ctx.env.SYSTEM_OIDCREQUESTURI) return { federatedTokenSource: 'auto' };
  throw new AuthenticationError('The federated token az login was given expires within a minute or has expired; run az login --service-principal --federated-token again with a fresh one.');
}

export async function azAccessToken(args: AzTokenArgs, global: AzGlobalArgs, ctx: CliContext): Promise<AzValue> {
  const home = homeOf(ctx);
  const login = readAzLogin(home);
  // As az: a managed identity's token is of the machine's tenant, whichever tenant is asked.
  if (args.tenant !== undefined && login?.kind === 'managed-identity') throw new ConfigError("Tenant shouldn't be specified for managed identity account.");
  const opts = await azTokenOptionsAs(login, args, global, ctx);
  const { session } = await tokenSession(opts, ctx);
  if (args.subscription !== undefined) {
    // Only --subscription loads the account commands' layer: a plain cache hit does not.
    const { tokenOfSubscription } = await import('./az-accounts.js');
    return tokenOfSubscription(session, args.subscription, opts, ctx);
  }
  // As az: the default subscription (`account set`'s, else the first a login listed) names the
  // tenant and the subscription; --tenant keeps the tenant asked for.
  // Most homes keep no subscription list: then there is no one's default to find.
  const kept = readAzSubscriptions(home);
  const chosen = kept.length === 0 ? undefined : defaultAccountOf(kept, userOf(session));
  if (chosen === undefined) return accessTokenResult(session);
  if (args.tenant !== undefined && !sameTenant(session, chosen)) return accessTokenResult(session);
  return tokenAtAccount(session, chosen, opts, ctx);
}

function sameTenant(session: Session, account: AzAccount): boolean {
  return tenantOf(session).toLowerCase() === account.tenantId.toLowerCase();
}

/** A token of the account's tenant (the one in hand when it is of that tenant), with its subscription id. */
export async function tokenAtAccount(session: Session, account: AzAccount, opts: AzTokenOptions, ctx: CliContext): Promise<AzValue> {
  if (sameTenant(session, account)) return accessTokenResult(session, account.id);
  const { session: there } = await tokenSession({ ...opts, tenant: account.tenantId }, ctx);
  return accessTokenResult(there, account.id);
}
