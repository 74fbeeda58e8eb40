import { ConfigError, UsageError } from '../domain/errors.js';
import type { AzLoginArgs } from './az-login-args.js';

/**
 * The Azure CLI command lines azsess answers, read as az reads them (argparse): `--name value`,
 * `--name=value`, `-o value`, `-o=value`, `-ovalue`, options in any order. A command line azsess
 * does not answer (another command, `--help`) is `undefined`: it goes to the Azure CLI unchanged.
 * Callers and what they send: /docs/az.md.
 */

export type AzOutputFormat = 'json' | 'jsonc' | 'tsv' | 'none';

/** az's global arguments, on every command. */
export interface AzGlobalArgs {
  output: AzOutputFormat;
  /** --query: a JMESPath expression applied to the result before it is printed. */
  query?: string;
  /** --debug or --verbose: azsess's own --verbose lines on stderr. */
  verbose: boolean;
}

/** `account get-access-token`'s own arguments. */
export interface AzTokenArgs {
  resource?: string;
  resourceType?: AzResourceType;
  scopes?: string[];
  tenant?: string;
  subscription?: string;
}

export const azResourceTypes = ['arm', 'ms-graph', 'batch', 'data-lake', 'media', 'oss-rdbms'] as const;
export type AzResourceType = (typeof azResourceTypes)[number];

export type AzCommand =
  | { name: 'account get-access-token'; global: AzGlobalArgs; token: AzTokenArgs }
  | { name: 'account show'; global: AzGlobalArgs; subscription?: string }
  | { name: 'account list'; global: AzGlobalArgs; all: boolean; refresh: boolean }
  | { name: 'account set'; global: AzGlobalArgs; subscription: string }
  | { name: 'account clear'; global: AzGlobalArgs }
  | { name: 'account tenant list'; global: AzGlobalArgs }
  | { name: 'login'; global: AzGlobalArgs; login: AzLoginArgs }
  | { name: 'logout'; global: AzGlobalArgs; username?: string }
  | { name: 'version'; global: AzGlobalArgs };

/** A usage error in az's words; az exits 2 for these, as argparse does. */
export class AzUsageError extends UsageError {}

const outputFormats: readonly string[] = ['json', 'jsonc', 'tsv', 'none'];
/** Formats az has that azsess does not write: said so, rather than passed to another program. */
const otherFormats: readonly string[] = ['table', 'yaml', 'yamlc'];

type Store = (value: string) => void;

/** An option of a command: `many` takes values up to the next option (nargs='+'), `flag` none (store_true: given ''). */
export interface AzOption {
  store: Store;
  many?: boolean;
  flag?: boolean;
}

export interface Parsing {
  global: AzGlobalArgs;
  /** The command's options by every name (`--subscription`, `-s`). */
  options: Readonly<Record<string, AzOption>>;
}

/** The long names every command takes besides its own. */
const globalLongNames = ['--output', '--query', '--debug', '--verbose', '--only-show-errors', '--help'] as const;

/**
 * A long option as argparse reads it: its full name, or a prefix of exactly one of the command's
 * long names (`--sub` for `--subscription`, as people type it); several is a usage error.
 */
export function fullOptionName(name: string, options: Readonly<Record<string, AzOption>>): string {
  if (!name.startsWith('--') || name === '--' || Object.hasOwn(options, name) || (globalLongNames as readonly string[]).includes(name)) return name;
  const longNames = [...Object.keys(options).filter((n) => n.startsWith('--')), ...globalLongNames];
  const matches = longNames.filter((n) => n.startsWith(name));
  if (matches.length > 1) throw new AzUsageError(`ambiguous option: ${name} could match ${matches.join(', ')}`);
  return matches[0] ?? name;
}

function parseOutput(value: string): AzOutputFormat {
  if (outputFormats.includes(value)) return value as AzOutputFormat;
  if (otherFormats.includes(value)) {
    throw new AzUsageError(`The outputs azsess writes are json, jsonc, tsv and none, not ${value}; ask for one of those with --output.`);
  }
  throw new AzUsageError(`argument --output/-o: invalid choice: '${value}' (choose from 'json', 'jsonc', 'none', 'table', 'tsv', 'yaml', 'yamlc').`);
}

/** Global options: their store, from the name as given (long, or short with its value attached). */
function globalOption(name: string, global: AzGlobalArgs): Store | undefined {
  switch (name) {
    case '--output':
    case '-o':
      return (v) => (global.output = parseOutput(v));
    case '--query':
      return (v) => (global.query = v);
    default:
      return undefined;
  }
}

function isGlobalFlag(arg: string): boolean {
  return arg === '--debug' || arg === '--verbose' || arg === '--only-show-errors';
}

/** Splits `--name=value` and `-xVALUE` (a short option with its value attached). */
export function splitArg(arg: string): { name: string; attached?: string } {
  if (arg.startsWith('--')) {
    const eq = arg.indexOf('=');
    return eq > 0 ? { name: arg.slice(0, eq), attached: arg.slice(eq + 1) } : { name: arg };
  }
  if (arg.length > 2 && arg.startsWith('-')) return { name: arg.slice(0, 2), attached: arg[2] === '=' ? arg.slice(3) : arg.slice(2) };
  return { name: arg };
}

/** Reads the options after the command's words; a help flag or `undefined` asks for the Azure CLI. */
export function parseOptions(args: readonly string[], parsing: Parsing): boolean {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const split = splitArg(arg);
    const name = fullOptionName(split.name, parsing.options);
    const { attached } = split;
    if (name === '-h' || name === '--help') return false;
    const own = Object.hasOwn(parsing.options, name) ? parsing.options[name] : undefined;
    const flag = isGlobalFlag(name) || own?.flag === true;
    // The option's name only, never a value given where none belongs: it may be a secret.
    if (flag && attached !== undefined) throw new AzUsageError(`argument ${name}: ignored explicit argument`);
    if (isGlobalFlag(name)) {
      if (name !== '--only-show-errors') parsing.global.verbose = true;
      continue;
    }
    const store = own?.store ?? globalOption(name, parsing.global);
    if (!store) throw new AzUsageError(`unrecognized arguments: ${split.name}`);
    if (flag) {
      store('');
      continue;
    }
    if (attached !== undefined) {
      store(attached);
      continue;
    }
    const values: string[] = [];
    while (i + 1 < args.length && !(args[i + 1]!.startsWith('-') && args[i + 1]!.length > 1) && (values.length === 0 || own?.many)) values.push(args[++i]!);
    if (values.length === 0) throw new AzUsageError(`argument ${name}: expected ${own?.many ? 'at least one argument' : 'one argument'}`);
    for (const v of values) store(v);
  }
  return true;
}

/** `account get-access-token`'s options (az's help: `--subscription --name -s -n` one option). */
function tokenOptions(token: AzTokenArgs): Parsing['options'] {
  const tenant: AzOption = { store: (v) => (token.tenant = v) };
  const subscription: AzOption = { store: (v) => (token.subscription = v) };
  return {
    '--resource': { store: (v) => (token.resource = v) },
    '--resource-type': {
      store: (v) => {
        if (!(azResourceTypes as readonly string[]).includes(v)) {
          throw new AzUsageError(`argument --resource-type: invalid choice: '${v}' (choose from ${azResourceTypes.map((t) => `'${t}'`).join(', ')}).`);
        }
        token.resourceType = v as AzResourceType;
      },
    },
    '--scope': { store: (v) => (token.scopes = [...(token.scopes ?? []), v]), many: true },
    '--tenant': tenant,
    '-t': tenant,
    '--subscription': subscription,
    '-s': subscription,
    '--name': subscription,
    '-n': subscription,
  };
}

/** `--subscription/-s/--name/-n`, of `account show` and `account set`. */
function subscriptionOptions(store: Store): Parsing['options'] {
  const subscription: AzOption = { store };
  return { '--subscription': subscription, '-s': subscription, '--name': subscription, '-n': subscription };
}

/** Which resource `account get-access-token` names: one of --resource, --resource-type, --scope. */
function checkTokenArgs(token: AzTokenArgs): void {
  const given = [token.resource, token.resourceType, token.scopes].filter((v) => v !== undefined).length;
  if (given > 1) throw new AzUsageError('Give one of --resource, --resource-type or --scope, not several.');
  if (token.tenant !== undefined && token.subscription !== undefined) {
    // az's words and exit code (1, not argparse's 2): its profile refuses the pair, not its parser.
    throw new ConfigError('Please specify only one of subscription and tenant, not both: a subscription names its tenant.');
  }
}

/** A fresh set of az's global arguments, at their defaults. */
export function defaultGlobalArgs(): AzGlobalArgs {
  return { output: 'json', verbose: false };
}

/**
 * The command az would run for `args` (what follows `az`), when azsess answers it; else
 * undefined. `login` and `logout` are read by az-login-args.ts (loaded only for them).
 */
export function parseAzArgs(args: readonly string[]): AzCommand | undefined {
  const global = defaultGlobalArgs();
  if (args[0] === 'account' && args[1] === 'get-access-token') {
    const token: AzTokenArgs = {};
    if (!parseOptions(args.slice(2), { global, options: tokenOptions(token) })) return undefined;
    checkTokenArgs(token);
    return { name: 'account get-access-token', global, token };
  }
  if (args[0] === 'account' && args[1] === 'show') {
    let subscription: string | undefined;
    if (!parseOptions(args.slice(2), { global, options: subscriptionOptions((v) => (subscription = v)) })) return undefined;
    return subscription === undefined ? { name: 'account show', global } : { name: 'account show', global, subscription };
  }
  if (args[0] === 'account' && args[1] === 'list') {
    const list = { all: false, refresh: false };
    const options = { '--all': { store: () => (list.all = true), flag: true }, '--refresh': { store: () => (list.refresh = true), flag: true } };
    if (!parseOptions(args.slice(2), { global, options })) return undefined;
    return { name: 'account list', global, ...list };
  }
  if (args[0] === 'account' && args[1] === 'set') {
    let subscription: string | undefined;
    if (!parseOptions(args.slice(2), { global, options: subscriptionOptions((v) => (subscription = v)) })) return undefined;
    if (subscription === undefined) throw new AzUsageError('the following arguments are required: --name/--subscription/-n/-s');
    return { name: 'account set', global, subscription };
  }
  if (args[0] === 'account' && args[1] === 'clear') {
    if (!parseOptions(args.slice(2), { global, options: {} })) return undefined;
    return { name: 'account clear', global };
  }
  if (args[0] === 'account' && args[1] === 'tenant' && args[2] === 'list') {
    if (!parseOptions(args.slice(3), { global, options: {} })) return undefined;
    return { name: 'account tenant list', global };
  }
  if (args[0] === 'version') {
    if (!parseOptions(args.slice(1), { global, options: {} })) return undefined;
    return { name: 'version', global };
  }
  return undefined;
}
