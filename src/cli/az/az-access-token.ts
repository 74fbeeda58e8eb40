import { resolve } from 'node:path';
import { accessTokenResult } from '../../az/az-access-token.js';
import type { AzGlobalArgs, AzTokenArgs } from '../../az/az-args.js';
import type { AzValue } from '../../az/az-output.js';
import { cloudOfAuthority, defaultAzResource, resourceOfType } from '../../az/az-resource-types.js';
import { UsageError } from '../../domain/errors.js';
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

/** What the command line asks for, as `azsess token`'s options. */
export function azTokenOptions(args: AzTokenArgs, global: AzGlobalArgs, ctx: CliContext): TokenOptions {
  // token's own defaults (its spec), then what az's callers expect: JSON.
  const opts: TokenOptions = { ...(defaultsOf(tokenSpec.options) as Pick<TokenOptions, 'promptFormat'>), output: 'json', ...(global.verbose ? { verbose: true } : {}) };
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
  const opts = azTokenOptions(args, global, ctx);
  const { session } = await tokenSession(opts, ctx);
  if (args.subscription === undefined) return accessTokenResult(session);
  // Only --subscription reads the subscription list (and loads its layer): a plain cache hit does not.
  const { tokenOfSubscription } = await import('./az-accounts.js');
  return tokenOfSubscription(session, args.subscription, opts, ctx);
}
