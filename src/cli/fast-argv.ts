import { gitCredentialSpec, type GitCredentialOptions } from './commands/git-credential-spec.js';
import { tokenSpec, type TokenOptions } from './commands/token-spec.js';
import { defaultsOf, longFlag, shortFlag, takesValue, type CommandSpec, type OptionSpec, type OptionsOf } from './option-spec.js';
import { commonOptions } from './shared-options.js';

/**
 * A small parser of a command's spec (cli/option-spec.ts), for `azsess token` and `azsess
 * git-credential`, the commands other programs run many times a minute, so that their cache hit
 * answers without loading commander. It reads the same spec commander's command is built from,
 * and takes only what it reads exactly as commander does (`--name value`, `--name=value`, `-v`,
 * repeated options, the same parsers and choices, one argument anywhere); anything else (`--help`,
 * `--`, `-vx`, a bad value, an unknown flag) returns undefined and commander takes over.
 */

/** The options of the program itself (cli/program.ts): the common ones, and `--version`. */
const programOptions: readonly OptionSpec[] = commonOptions;
const versionFlag = '--version';

function optionNamed(options: readonly OptionSpec[], name: string): OptionSpec | undefined {
  // An index loop: a for-of costs a cold start its iterator (docs/performance.md).
  for (let i = 0; i < options.length; i++) {
    const option = options[i]!;
    if (longFlag(option) === name || shortFlag(option) === name) return option;
  }
  return undefined;
}

/**
 * As commander's program does first: it takes its own options wherever they stand, even where
 * they would be the value of one of the command's (`--login-hint --verbose`), and leaves the
 * rest to the command. Undefined where unsure.
 */
function takeProgramOptions(args: readonly string[]): { globals: Record<string, unknown>; rest: string[] } | undefined {
  const globals: Record<string, unknown> = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--' || arg === versionFlag) return undefined;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const option = optionNamed(programOptions, eq > 0 ? arg.slice(0, eq) : arg);
    if (option && takesValue(option)) {
      const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined) return undefined;
      globals[option.key] = value;
    } else if (option && eq < 0) {
      globals[option.key] = !longFlag(option).startsWith('--no-');
    } else if (arg.length > 2 && arg[0] === '-' && arg[1] !== '-') {
      return undefined; // a group of short flags such as -vx
    } else {
      rest.push(arg);
    }
  }
  return { globals, rest };
}

export function parseWithSpec<S extends CommandSpec>(spec: S, commandLine: readonly string[]): OptionsOf<S> | undefined {
  const program = takeProgramOptions(commandLine);
  if (!program) return undefined;
  const args = program.rest;
  const opts = defaultsOf(spec.options);
  let argument: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const option = optionNamed(spec.options, eq > 0 ? arg.slice(0, eq) : arg);
    if (option && takesValue(option)) {
      const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined) return undefined;
      // As commander: a parser, else the choices, else the word itself.
      if (!option.parse && option.choices && !option.choices.includes(value)) return undefined;
      try {
        opts[option.key] = option.parse ? option.parse(value, opts[option.key] as never) : value;
      } catch {
        return undefined;
      }
    } else if (option && eq < 0) {
      opts[option.key] = !longFlag(option).startsWith('--no-');
    } else if (spec.argument && argument === undefined && !arg.startsWith('-')) {
      argument = arg;
    } else {
      return undefined;
    }
  }
  if (spec.argument) {
    if (argument === undefined || (spec.argument.onlyChoices && !spec.argument.choices.includes(argument))) return undefined;
    opts[spec.argument.key] = argument;
  }
  // The values come from the spec OptionsOf<S> is computed from; the program's own come last, as
  // in commander's optsWithGlobals.
  return Object.assign(opts, program.globals) as OptionsOf<S>;
}

/** The options of `token <args>`, with commander's defaults, or undefined when unsure. */
export function parseFastTokenArgs(args: readonly string[]): TokenOptions | undefined {
  return args[0] === tokenSpec.name ? parseWithSpec(tokenSpec, args.slice(1)) : undefined;
}

/** `git-credential <action>` and its options, as git runs it many times a session, or undefined. */
export function parseFastGitCredentialArgs(args: readonly string[]): GitCredentialOptions | undefined {
  return args[0] === gitCredentialSpec.name ? parseWithSpec(gitCredentialSpec, args.slice(1)) : undefined;
}
