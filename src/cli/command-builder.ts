import { Argument, Command, Option } from 'commander';
import type { CliContext } from './context.js';
import type { CommandSpec, OptionSpec, OptionsOf } from './option-spec.js';

/** Commander's side of a spec (cli/option-spec.ts): the fast path reads the same data. */

/** Help text listing examples, shown after the options. */
export function examples(...lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

/** Commander's option for a spec: its parser, else its choices, and its default. */
export function optionFrom(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.help);
  if (spec.choices) option.choices(spec.choices);
  if (spec.parse) option.argParser(spec.parse as (value: string, previous: unknown) => unknown);
  if (spec.default !== undefined) option.default(spec.default);
  if (spec.hidden) option.hideHelp();
  return option;
}

export function addOptions(cmd: Command, options: readonly OptionSpec[]): Command {
  for (const spec of options) cmd.addOption(optionFrom(spec));
  return cmd;
}

/** Each command this module built, with its spec: the structural test finds a command built by hand. */
const specs = new WeakMap<Command, CommandSpec>();

/** The spec `cmd` was built from, or undefined for a command built by hand. */
export function specOf(cmd: Command): CommandSpec | undefined {
  return specs.get(cmd);
}

function commandOf(spec: CommandSpec): Command {
  const cmd = new Command(spec.name).description(spec.description);
  const argument = spec.argument;
  if (argument) {
    const arg = new Argument(argument.name, argument.help).choices(argument.choices);
    // A parser of its own takes any word; without one, commander refuses words not in the choices.
    if (!argument.onlyChoices) arg.argParser((v: string) => v);
    cmd.addArgument(arg);
  }
  addOptions(cmd, spec.options);
  if (spec.examples.length > 0) cmd.addHelpText('after', examples(...spec.examples));
  specs.set(cmd, spec);
  return cmd;
}

/**
 * The commander command of a spec, whose action is exactly `run`: whatever the command does is
 * in `run`, which the fast path calls too.
 */
export function commandFrom<S extends CommandSpec>(spec: S, run: (opts: OptionsOf<S>, ctx: CliContext) => Promise<void>, ctx: CliContext): Command {
  const cmd = commandOf(spec);
  const argument = spec.argument;
  return cmd.action(async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const opts = argument ? { ...command.optsWithGlobals(), [argument.key]: args[0] } : command.optsWithGlobals();
    // Commander types its values loosely; they come from the spec OptionsOf<S> is computed from.
    await run(opts as OptionsOf<S>, ctx);
  });
}

/** A command that only groups others (`setup`, `import`): its spec names it, each subcommand has its own. */
export function groupFrom(spec: CommandSpec, subcommands: readonly Command[]): Command {
  const cmd = commandOf(spec);
  for (const sub of subcommands) cmd.addCommand(sub);
  return cmd;
}
