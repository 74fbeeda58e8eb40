import type { Command, Option } from 'commander';
import { addOptions, optionFrom } from './command-builder.js';
import * as shared from './shared-options.js';

export { collectScopes, parseSeconds, parseTenant } from './option-parsers.js';
export { examples } from './command-builder.js';

/** Commander's options of the shared specs (cli/shared-options.ts), for the commands not built from a spec of their own. */

/** Options every command takes, also accepted before the command name. */
export function addCommonOptions(cmd: Command): Command {
  return addOptions(cmd, shared.commonOptions);
}

export function protocolOption(description?: string): Option {
  return optionFrom(shared.protocolOption(description));
}

export function tenantOption(): Option {
  return optionFrom(shared.tenantOption);
}

export function clientIdOption(description?: string): Option {
  return optionFrom(shared.clientIdOption(description));
}

export function scopeOption(description: string): Option {
  return optionFrom(shared.scopeOption(description));
}
