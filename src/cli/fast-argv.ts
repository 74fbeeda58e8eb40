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

const valueOptions: Record<string, { key: string; parse: Parse }> = {
  '--scope': { key: 'scope', parse: (v, prev) => collectScopes(v, prev as string[] | undefined) },
  '--resource': { key: 'resource', parse: parseResource },
  '--protocol': { key: 'protocol', parse: parseProtocol },
  '--tenant': { key: 'tenant', parse: parseTenant },
  '--client-id': { key: 'clientId', parse: identity },
  '--account': { key: 'account', parse: identity },
  '--object-id': { key: 'objectId', parse: identity },
  '--msi-res-id': { key: 'msiResId', parse: identity },
  '--authority-host': { key: 'authorityHost', parse: identity },
  '--cloud': { key: 'cloud', parse: oneOf(['public', 'usgov', 'china']) },
  '--offset': { key: 'offset', parse: parseSeconds('--offset') },
  '--min-validity': { key: 'minValidity', parse: parseSeconds('--min-validity') },
  '--output': { key: 'output', parse: oneOf(['raw', 'json', 'exec-credential']) },
  '--server-id': { key: 'serverId', parse: identity },
  '--timeout': { key: 'timeout', parse: parseSeconds('--timeout', { min: 1 }) },
  '--home': { key: 'home', parse: identity },
  '--redirect-uri': { key: 'redirectUri', parse: parseRedirectUri },
  '--login-hint': { key: 'loginHint', parse: identity },
  '--domain-hint': { key: 'domainHint', parse: identity },
  '--prompt-format': { key: 'promptFormat', parse: oneOf(['text', 'json']) },
};

// Flags that cannot change which cached token answers.
const booleanOptions: Record<string, [string, boolean]> = {
  '--interactive': ['interactive', true],
  '--no-interactive': ['interactive', false],
  '--no-browser': ['browser', false],
};

/** What a command's fast parse accepts. */
interface FastCommand {
  values: Record<string, { key: string; parse: Parse }>;
  booleans: Record<string, [string, boolean]>;
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
    const spec = command.values[name];
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
    const flag = command.booleans[arg];
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

const tokenCommand: FastCommand = { values: valueOptions, booleans: booleanOptions, defaults: { output: 'raw', browser: true, promptFormat: 'text' } };

const gitCredentialCommand: FastCommand = {
  values: {
    '--allow-host': { key: 'allowHost', parse: (v, prev) => [...((prev as string[] | undefined) ?? []), parseAllowHost(v)] },
    '--protocol': valueOptions['--protocol']!,
    '--tenant': valueOptions['--tenant']!,
    '--client-id': valueOptions['--client-id']!,
    '--account': valueOptions['--account']!,
    '--authority-host': valueOptions['--authority-host']!,
    '--cloud': valueOptions['--cloud']!,
    '--home': valueOptions['--home']!,
  },
  booleans: {},
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
