import type { Command, Option } from 'commander';
import { protocolChoices } from '../../domain/protocol-names.js';
import { completionScript, completionShells, type CompletionCommand, type CompletionOption } from '../../output/completion.js';
import { commandFrom } from '../command-builder.js';
import type { CliContext } from '../context.js';
import type { CommandSpec, OptionsOf } from '../option-spec.js';

const helpOption: CompletionOption = { flags: ['-h', '--help'], description: 'show help', takesValue: false };

function optionModel(option: Option): CompletionOption {
  const flags = [option.short, option.long].filter((f): f is string => typeof f === 'string');
  const model: CompletionOption = { flags, description: option.description, takesValue: option.required || option.optional };
  // --protocol parses aliases itself, so commander knows no choices for it.
  const values = option.argChoices ?? (option.long === '--protocol' ? [...protocolChoices] : undefined);
  if (values) model.values = values;
  if (option.long === '--home') model.directory = true;
  return model;
}

/** The commander tree as the completion scripts need it: names, flags, choices. */
export function completionModel(cmd: Command): CompletionCommand {
  return {
    name: cmd.name(),
    description: cmd.description(),
    options: [...cmd.options.filter((o) => !o.hidden).map(optionModel), helpOption],
    argumentChoices: cmd.registeredArguments.flatMap((a) => a.argChoices ?? []),
    subcommands: cmd.commands.map(completionModel),
  };
}

/** `azsess completion`, as data (cli/option-spec.ts): a shell it knows, else a usage error. */
export const completionSpec = {
  name: 'completion',
  description: 'print a shell completion script (commands, flags, protocol names)',
  argument: { name: '<shell>', key: 'shell', help: 'the shell', choices: completionShells, onlyChoices: true },
  options: [],
  examples: [
    'source <(azsess completion bash)            # in ~/.bashrc',
    'source <(azsess completion zsh)             # in ~/.zshrc, after compinit',
    'azsess completion fish > ~/.config/fish/completions/azsess.fish',
  ],
} as const satisfies CommandSpec;

export type CompletionOptions = OptionsOf<typeof completionSpec>;

export function completionCommand(ctx: CliContext): Command {
  return commandFrom(completionSpec, runCompletion, ctx);
}

/** The script completes what commander runs: the whole tree, built from the same specs. */
export async function runCompletion(opts: CompletionOptions, ctx: CliContext): Promise<void> {
  // Lazily: cli/program.ts imports this module to build the tree.
  const { buildProgram } = await import('../program.js');
  ctx.stdout.write(completionScript(opts.shell, completionModel(buildProgram(ctx))));
}
