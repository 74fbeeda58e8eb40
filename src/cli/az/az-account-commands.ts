import type { AzCommand } from '../../az/az-args.js';
import type { AzValue } from '../../az/az-output.js';
import type { CliContext } from '../context.js';
import { azAccountClear, azAccountList, azAccountSet, azAccountShow, azTenantList } from './az-accounts.js';

type AccountCommand = Exclude<AzCommand, { name: 'account get-access-token' | 'version' }>;

/** The az commands over the kept subscriptions and the sign-in (az-main.ts answers the token and version itself). */
export async function answerAccountCommand(command: AccountCommand, ctx: CliContext): Promise<AzValue> {
  switch (command.name) {
    case 'account show':
      return azAccountShow(command.subscription, command.global, ctx);
    case 'account list':
      return azAccountList(command, command.global, ctx);
    case 'account set':
      return azAccountSet(command.subscription, command.global, ctx);
    case 'account clear':
      return azAccountClear(command.global, ctx);
    case 'account tenant list':
      return azTenantList(command.global, ctx);
    case 'login':
      return (await import('./az-login.js')).azLogin(command.login, command.global, ctx);
    case 'logout':
      return (await import('./az-login.js')).azLogout(command.username, command.global, ctx);
  }
}
