import { parseProtocol } from '../core/protocol-names.js';
import { gitCredentialActions, parseAllowHost, type GitCredentialAction } from '../helpers/git-credential.js';
import { collectScopes, parseRedirectUri, parseResource, parseSeconds, parseTenant } from './option-parsers.js';

/**
 * A small parser for `azsess token` and `azsess git-credential`, the commands other programs run
 * many times a minute, so their cache hit can answer without loading commander. It accepts only what it understands exactly as commander
 * does (`--name value`, `--name=value`, repeated `--scope`, the same value checks); anything else
 * (another flag, `-v`, `--help`, a bad value) returns undefined and the full CLI takes over.
 * A unit test keeps it in step with the commander definition of the command.
 */
type Parse = (value: string, previous: unknown) => unknown;

const identity: Parse = (v) => v;
const oneOf = (choices: string[]): Parse => (v) => {
  if (!choices.includes(v)) throw new Error('not a choice');
  return v;
};

interface ValueOption {
  key: string;
  parse: Parse;
}

/**
 * The value options of `azsess token`, as commander defines them: the key each sets and how its
 * value is read. A function rather than a table: every run would build the whole table, and a
 * command line names one or two of them (building it cost a cache hit 40 µs).
 */
function tokenValueOption(name: string): ValueOption | undefined {
  switch (name) {
    case '--scope': return { key: 'scope', parse: (v, prev) => collectScopes(v, prev as string[] | undefined) };
    case '--resource': return { key: 'resource', parse: parseResource };
    case '--protocol': return { key: 'protocol', parse: parseProtocol };
    case '--tenant': return { key: 'tenant', parse: parseTenant };
    case '--client-id': return { key: 'clientId', parse: identity };
    case '--account': return { key: 'account', parse: identity };
    case '--object-id': return { key: 'objectId', parse: identity };
    case '--msi-res-id': return { key: 'msiResId', parse: identity };
    case '--authority-host': return { key: 'authorityHost', parse: identity };
    case '--cloud': return { key: 'cloud', parse: oneOf(['public', 'usgov', 'china']) };
    case '--offset': return { key: 'offset', parse: parseSeconds('--offset') };
    case '--min-validity': return { key: 'minValidity', parse: parseSeconds('--min-validity') };
    case '--output': return { key: 'output', parse: oneOf(['raw', 'json', 'exec-credential']) };
    case '--server-id': return { key: 'serverId', parse: identity };
    case '--timeout': return { key: 'timeout', parse: parseSeconds('--timeout', { min: 1 }) };
    case '--home': return { key: 'home', parse: identity };
    case '--redirect-uri': return { key: 'redirectUri', parse: parseRedirectUri };
    case '--login-hint': return { key: 'loginHint', parse: identity };
    case '--domain-hint': return { key: 'domainHint', parse: identity };
    case '--prompt-format': return { key: 'promptFormat', parse: oneOf(['text', 'json']) };
    default: return undefined;
  }
}

/** `azsess git-credential`'s value options: its own `--allow-host`, and some of token's. */
function gitCredentialValueOption(name: string): ValueOption | undefined {
  switch (name) {
    case '--allow-host':
      return { key: 'allowHost', parse: (v, prev) => [...((prev as string[] | undefined) ?? []), parseAllowHost(v)] };
    case '--protocol':
    case '--tenant':
    case '--client-id':
    case '--account':
    case '--authority-host':
    case '--cloud':
    case '--home':
      return tokenValueOption(name);
    default:
      return undefined;
  }
}

// Flags that cannot change which cached token answers.
function tokenBooleanOption(name: string): [string, boolean] | undefined {
  switch (name) {
    case '--interactive': return ['interactive', true];
    case '--no-interactive': return ['interactive', false];
    case '--no-browser': return ['browser', false];
    default: return undefined;
  }
}

/** What a command's fast parse accepts. */
interface FastCommand {
  value: (name: string) => ValueOption | undefined;
  boolean: (name: string) => [string, boolean] | undefined;
  defaults: Record<string, unknown>;
  /** The one positional argument, if the command takes one (anywhere among the options, as commander allows). */
  positional?: readonly string[];
}

function parseWith(command: FastCommand, args: readonly string[]): { opts: Record<string, unknown>; positional?: string } | undefined {
  const opts: Record<string, unknown> = { ...command.defaults };
  let positional: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const spec = command.value(name);
    if (spec) {
      const value = eq > 0 && name !== arg ? arg.slice(eq + 1) : args[++i];
      if (value === undefined) return undefined;
      try {
        opts[spec.key] = spec.parse(value, opts[spec.key]);
      } catch {
        return undefined;
      }
      continue;
    }
    const flag = command.boolean(arg);
    if (flag) {
      opts[flag[0]] = flag[1];
      continue;
    }
    if (arg.startsWith('-') || positional !== undefined || !command.positional?.includes(arg)) return undefined;
    positional = arg;
  }
  if (command.positional && positional === undefined) return undefined;
  return positional === undefined ? { opts } : { opts, positional };
}

const tokenCommand: FastCommand = {
  value: tokenValueOption,
  boolean: tokenBooleanOption,
  defaults: { output: 'raw', browser: true, promptFormat: 'text' },
};

const gitCredentialCommand: FastCommand = {
  value: gitCredentialValueOption,
  boolean: () => undefined,
  defaults: {},
  positional: gitCredentialActions,
};

/** The options of `token <args>`, with commander's defaults, or undefined when unsure. */
export function parseFastTokenArgs(args: readonly string[]): Record<string, unknown> | undefined {
  if (args[0] !== 'token') return undefined;
  return parseWith(tokenCommand, args.slice(1))?.opts;
}

/** `git-credential <action>` and its options, as git runs it many times a session, or undefined. */
export function parseFastGitCredentialArgs(args: readonly string[]): { action: GitCredentialAction; opts: Record<string, unknown> } | undefined {
  if (args[0] !== 'git-credential') return undefined;
  const parsed = parseWith(gitCredentialCommand, args.slice(1));
  return parsed?.positional ? { action: parsed.positional as GitCredentialAction, opts: parsed.opts } : undefined;
}
