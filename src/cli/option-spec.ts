/**
 * The shape of a command's declarative spec: plain data, no commander here. Commander's commands
 * are built from it (cli/command-builder.ts), the fast path interprets it (cli/fast-argv.ts), and
 * a command's options type is inferred from it, so the two parsers cannot drift apart.
 */

/** One option, as commander's flags write it: `--offset <seconds>`, `--no-browser`, `-v, --verbose`. */
export interface OptionSpec {
  flags: string;
  /** The property the option sets (commander's attribute name for the flags). */
  key: string;
  help: string;
  /** Reads a value (previous: the value so far, for repeatable options); absent: the string itself. */
  parse?: (value: string, previous: never) => unknown;
  /** The values allowed (commander checks them; the fast path leaves any other to commander). */
  choices?: readonly string[];
  default?: string | boolean | number;
  /** Left out of help and completion, still parsed (serve's sign-in flags, which it refuses). */
  hidden?: boolean;
}

/** The one argument a command may take, such as git-credential's `<action>` or completion's `<shell>`. */
export interface ArgumentSpec {
  name: string;
  key: string;
  help: string;
  /** Offered in help and completion; any other word is taken, unless `onlyChoices`. */
  choices: readonly string[];
  /** Any other word is refused (completion knows no other shell); git-credential ignores actions it does not know. */
  onlyChoices?: boolean;
}

export interface CommandSpec<Options extends readonly OptionSpec[] = readonly OptionSpec[]> {
  name: string;
  description: string;
  argument?: ArgumentSpec;
  /** In the order help lists them. */
  options: Options;
  examples: readonly string[];
}

type ValueOf<O> = O extends { parse: (value: string, previous: never) => infer T }
  ? T
  : O extends { choices: readonly (infer C)[] }
    ? C
    : O extends { flags: `${string}<${string}>` }
      ? string
      : boolean;

/** The values a list of options gives: present where the option has a default, else optional. */
export type OptionValues<L extends readonly OptionSpec[]> = {
  [O in L[number] as O extends { default: unknown } ? O['key'] : never]: ValueOf<O>;
} & {
  [O in L[number] as O extends { default: unknown } ? never : O['key']]?: ValueOf<O>;
};

/** The values a list's defaults give, before anything on the command line. */
export type DefaultValues<L extends readonly OptionSpec[]> = {
  [O in L[number] as O extends { default: unknown } ? O['key'] : never]: ValueOf<O>;
};

/** The options a command's run function gets, from its spec (its argument under the argument's key). */
export type OptionsOf<S extends CommandSpec> = OptionValues<S['options']> & ArgumentOf<S>;

type ArgumentOf<S extends CommandSpec> = S['argument'] extends { key: infer K extends string }
  ? { [P in K]: S['argument'] extends { onlyChoices: true; choices: readonly (infer C)[] } ? C : string }
  : unknown;

/** The long flag of an option (`--verbose` of `-v, --verbose`). */
export function longFlag(option: OptionSpec): string {
  const flags = option.flags;
  const start = flags.indexOf('--');
  const end = flags.indexOf(' ', start);
  return end < 0 ? flags.slice(start) : flags.slice(start, end);
}

/** The short flag of an option (`-v` of `-v, --verbose`), if it has one. */
export function shortFlag(option: OptionSpec): string | undefined {
  return option.flags[1] === '-' ? undefined : option.flags.slice(0, 2);
}

export function takesValue(option: OptionSpec): boolean {
  return option.flags.includes('<');
}

/**
 * The values a command starts with, by commander's rule: an option's default, and true for a
 * `--no-x` whose `--x` was not defined before it.
 */
export function defaultsOf<L extends readonly OptionSpec[]>(options: L): DefaultValues<L> & Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (let i = 0; i < options.length; i++) {
    const option = options[i]!;
    const long = longFlag(option);
    if (long.startsWith('--no-')) {
      const positive = `--${long.slice(5)}`;
      if (!options.slice(0, i).some((o) => longFlag(o) === positive)) values[option.key] = option.default ?? true;
    } else if (option.default !== undefined) {
      values[option.key] = option.default;
    }
  }
  // Built from the spec at run time, typed by the spec: the one place the two meet.
  return values as DefaultValues<L> & Record<string, unknown>;
}
