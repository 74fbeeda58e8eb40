import { Command, Option } from 'commander';
import { clearCache } from '../../core/admin.js';
import type { ProtocolName } from '../../domain/protocol-names.js';
import { resolveAccount } from '../../core/settings.js';
import { accountSelectorFor } from '../../core/token-query.js';
import type { CliContext } from '../context.js';
import { addCommonOptions, clientIdOption, examples, protocolOption, scopeOption, tenantOption } from '../options.js';
import { startRuntime, type CommonOptions } from '../runtime.js';

export interface ClearCacheOptions extends CommonOptions {
  protocol?: ProtocolName;
  tenant?: string;
  clientId?: string;
  scope?: string[];
  account?: string;
}

export function clearCacheCommand(ctx: CliContext): Command {
  const cmd = new Command('clear-cache')
    .description('remove stored sessions, those matching every selector given or all of them, and the cached registry tokens they stood for')
    .addOption(protocolOption('only sessions of this protocol'))
    .addOption(tenantOption())
    .addOption(clientIdOption('only sessions of this application (client) id'))
    .addOption(scopeOption('only sessions for the resource of this scope (repeatable)'))
    .addOption(new Option('--account <upn-or-oid>', "only this account's sessions, by UPN or object id (default: $AZSESS_ACCOUNT, else every account)"))
    .addHelpText(
      'after',
      examples(
        'azsess clear-cache',
        'azsess clear-cache --protocol device-code --scope https://storage.azure.com/.default',
        'azsess clear-cache --tenant contoso.onmicrosoft.com --client-id 8f6c2b0e-3b7a-4c55-9f0d-1a2b3c4d5e6f',
        'azsess clear-cache --account bob@contoso.com',
      ),
    );
  addCommonOptions(cmd);
  return cmd.action(async (_opts, command: Command) => runClearCache(command.optsWithGlobals(), ctx));
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
