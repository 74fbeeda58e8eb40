import { resolve } from 'node:path';
import { tenantLevelAccount } from '../../az/az-account.js';
import { accessTokenResult } from '../../az/az-access-token.js';
import type { AzGlobalArgs, AzTokenArgs } from '../../az/az-args.js';
import type { AzValue } from '../../az/az-output.js';
import { cloudOfAuthority, defaultAzResource, resourceOfType } from '../../az/az-resource-types.js';
import { UsageError } from '../../core/errors.js';
import { homeSettings } from '../../core/resolve-query.js';
import { resolveHome } from '../../core/settings.js';
import { tokenSession, type TokenOptions } from '../commands/token-run.js';
import type { CliContext } from '../context.js';
import { collectScopes, parseResource, parseTenant } from '../option-parsers.js';

/**
 * `az account get-access-token` as an azsess token query: the same lookup, cache, refresh and
 * sign-in rules as `azsess token` (cli/commands/token-run.ts), with az's result.
 */

/** The cloud of the login host azsess would use: it decides what --resource-type and the default name. */
export function cloudOf(ctx: CliContext) {
  const home = resolveHome(undefined, ctx.env, ctx.homedir, (p) => resolve(p)).value;
  return cloudOfAuthority(homeSettings({}, ctx.env, home).authority.value);
}

/** What the command line asks for, as `azsess token`'s options. */
export function azTokenOptions(args: AzTokenArgs, global: AzGlobalArgs, ctx: CliContext): TokenOptions {
  const opts: TokenOptions = { output: 'json', ...(global.verbose ? { verbose: true } : {}) };
  if (args.tenant !== undefined) opts.tenant = parseTenant(args.tenant);
  if (args.scopes) opts.scope = args.scopes.reduce<string[]>((all, s) => collectScopes(s, all), []);
  else if (args.resource !== undefined) opts.resource = parseResource(args.resource);
  else if (args.resourceType) {
    const cloud = cloudOf(ctx);
    const resource = resourceOfType(args.resourceType, cloud);
    if (!resource) throw new UsageError(`--resource-type ${args.resourceType} has no endpoint in the ${cloud} cloud; name the resource with --resource.`);
    opts.resource = resource;
  } else opts.resource = defaultAzResource(cloudOf(ctx));
  return opts;
}

export async function azAccessToken(args: AzTokenArgs, global: AzGlobalArgs, ctx: CliContext): Promise<AzValue> {
  const { session } = await tokenSession(azTokenOptions(args, global, ctx), ctx);
  return accessTokenResult(session, args.subscription);
}

/**
 * `az account show`: the account az's token commands answer for, found as a token of az's default
 * resource is (so no session means az's "az login" failure, as from az).
 */
export async function azAccountShow(global: AzGlobalArgs, ctx: CliContext): Promise<AzValue> {
  const { session } = await tokenSession(azTokenOptions({}, global, ctx), ctx);
  return tenantLevelAccount(session, cloudOf(ctx));
}
