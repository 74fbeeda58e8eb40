import { Option, type Command } from 'commander';
import { parseProtocol, protocolChoices } from '../core/protocol-names.js';
import { collectScopes, parseTenant } from './option-parsers.js';

export { collectScopes, parseSeconds, parseTenant } from './option-parsers.js';

/** Options every command takes, also accepted before the command name. */
export function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('--home <dir>', 'azsess home directory (default: $AZSESSIONS_HOME, else ~/.azsessions)')
    .option('-v, --verbose', 'explain what azsess does, on stderr (never prints a token)');
}

export function protocolOption(description = 'sign-in protocol'): Option {
  return new Option('--protocol <name>', `${description}: ${protocolChoices.join(', ')}`).argParser(parseProtocol);
}

export function tenantOption(): Option {
  return new Option('--tenant <tenant>', 'tenant GUID or domain, or common, organizations, consumers').argParser(parseTenant);
}

export function clientIdOption(description = 'application (client) id'): Option {
  return new Option('--client-id <id>', description);
}

/** `--account`: whose session, among several people signed in to one app (default: the last to sign in). */
export function accountOption(): Option {
  return new Option('--account <upn-or-oid>', 'the account whose session to use, by UPN or object id (default: $AZSESS_ACCOUNT, else the last to sign in)');
}

export function scopeOption(description: string): Option {
  return new Option('--scope <scope>', description).argParser(collectScopes);
}

/** Help text listing examples, shown after the options. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

export function authorityOptions(): Option[] {
  return [
    new Option('--authority-host <host>', 'Entra login host, with or without https:// (default: $AZURE_AUTHORITY_HOST, else login.microsoftonline.com)'),
    new Option('--cloud <name>', 'shorthand for the login host of a national cloud').choices(['public', 'usgov', 'china']),
  ];
}
