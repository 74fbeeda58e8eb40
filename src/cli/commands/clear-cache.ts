import type { Command } from 'commander';
import { clearCache } from '../../core/admin.js';
import { resolveAccount } from '../../core/settings.js';
import { accountSelectorFor } from '../../core/token-query.js';
import { commandFrom } from '../command-builder.js';
import type { CliContext } from '../context.js';
import type { CommandSpec, OptionsOf } from '../option-spec.js';
import { startRuntime } from '../runtime.js';
import { clientIdOption, commonOptions, protocolOption, scopeOption, tenantOption } from '../shared-options.js';

/** `azsess clear-cache`, as data (cli/option-spec.ts): each option selects sessions. */
export const clearCacheSpec = {
  name: 'clear-cache',
  description: 'remove stored sessions, those matching every selector given or all of them, and the cached registry tokens they stood for',
  options: [
    protocolOption('only sessions of this protocol'),
    tenantOption,
    clientIdOption('only sessions of this application (client) id'),
    scopeOption('only sessions for the resource of this scope (repeatable)'),
    { flags: '--account <upn-or-oid>', key: 'account', help: "only this account's sessions, by UPN or object id (default: $AZSESS_ACCOUNT, else every account)" },
    ...commonOptions,
  ],
  examples: [
    'azsess clear-cache',
    'azsess clear-cache --protocol device-code --scope https://storage.azure.com/.default',
    'azsess clear-cache --tenant contoso.onmicrosoft.com --client-id 8f6c2b0e-3b7a-4c55-9f0d-1a2b3c4d5e6f',
    'azsess clear-cache --account bob@contoso.com',
  ],
} as const satisfies CommandSpec;

export type ClearCacheOptions = OptionsOf<typeof clearCacheSpec>;

export function clearCacheCommand(ctx: CliContext): Command {
  return commandFrom(clearCacheSpec, runClearCache, ctx);
}

export async function runClearCache(opts: ClearCacheOptions, ctx: CliContext): Promise<void> {
  const rt = await startRuntime(ctx, opts);
  // The account as every command takes it; --protocol here selects sessions, it is no setting.
  const account = accountSelectorFor(resolveAccount(opts, ctx.env), opts.protocol);
  const removed = await clearCache(
    {
      ...(opts.protocol ? { protocol: opts.protocol } : {}),
      ...(opts.tenant ? { tenant: opts.tenant } : {}),
      ...(opts.clientId ? { clientId: opts.clientId } : {}),
      ...(opts.scope ? { scopes: opts.scope } : {}),
      ...(account ? { account } : {}),
    },
    rt.store,
  );
  const registries = removed.registries > 0 ? ` and ${removed.registries} cached registry token${removed.registries === 1 ? '' : 's'}` : '';
  rt.log.info(`Removed ${removed.sessions} session${removed.sessions === 1 ? '' : 's'}${registries} from ${rt.home.value}/sessions.json.`);
}
