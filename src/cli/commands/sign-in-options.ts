import { Option, type Command } from 'commander';
import type { CloudName } from '../../core/authority.js';
import type { ProtocolName } from '../../core/protocol-names.js';
import { authorityOptions, clientIdOption, parseSeconds, protocolOption, scopeOption, tenantOption } from '../options.js';
import type { CommonOptions } from '../runtime.js';

/** Options shared by `token` and `login`. */
export interface SignInOptions extends CommonOptions {
  protocol?: ProtocolName;
  tenant?: string;
  clientId?: string;
  scope?: string[];
  objectId?: string;
  msiResId?: string;
  authorityHost?: string;
  cloud?: CloudName;
  timeout: number;
  clearCache?: boolean;
}

export function addSignInOptions(cmd: Command, defaultTimeout: number): Command {
  cmd
    .addOption(scopeOption('scope to get a token for, e.g. https://storage.azure.com/.default (repeatable)'))
    .addOption(protocolOption())
    .addOption(tenantOption())
    .addOption(clientIdOption('application (client) id; with vm, a user-assigned identity by client id'))
    .option('--object-id <id>', 'vm: a user-assigned identity by object (principal) id')
    .option('--msi-res-id <id>', 'vm: a user-assigned identity by ARM resource id');
  for (const option of authorityOptions()) cmd.addOption(option);
  return cmd
    .addOption(
      new Option('--timeout <seconds>', 'bound on the network work of the command')
        .argParser(parseSeconds('--timeout', { min: 1 }))
        .default(defaultTimeout),
    )
    .option('--clear-cache', 'remove the matching stored session first');
}
