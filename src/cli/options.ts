import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { parseProtocol, protocolChoices } from '../core/protocol-names.js';
import { splitScopes } from '../core/scopes.js';
import { isValidTenant, tenantHint } from '../core/tenant.js';

/** Options every command takes, also accepted before the command name. */
export function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('--home <dir>', 'azsess home directory (default: $AZSESSIONS_HOME, else ~/.azsessions)')
    .option('-v, --verbose', 'explain what azsess does, on stderr (never prints a token)');
}

export function parseTenant(value: string): string {
  if (!isValidTenant(value)) throw new UsageError(`--tenant '${value}' is not valid; use ${tenantHint}.`);
  return value;
}

export function collectScopes(value: string, previous: string[] = []): string[] {
  const scopes = splitScopes(value);
  if (scopes.length === 0) throw new UsageError('--scope needs a scope such as https://storage.azure.com/.default.');
  return [...previous, ...scopes];
}

export function parseSeconds(flag: string, { min = 0, integer = false } = {}) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
      throw new UsageError(`${flag} '${value}' is not valid; give a number of seconds${min > 0 ? ` of at least ${min}` : ''}.`);
    }
    return n;
  };
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
