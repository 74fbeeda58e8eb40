import { Argument, Command, type Option } from 'commander';
import { protocolChoices } from '../../domain/protocol-names.js';
import { completionScript, completionShells, type CompletionCommand, type CompletionOption, type CompletionShell } from '../../output/completion.js';
import type { CliContext } from '../context.js';
import { examples } from '../options.js';

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

export function completionCommand(ctx: CliContext): Command {
  return new Command('completion')
    .description('print a shell completion script (commands, flags, protocol names)')
    .addArgument(new Argument('<shell>', 'the shell').choices(completionShells))
    .addHelpText(
      'after',
      examples(
        'source <(azsess completion bash)            # in ~/.bashrc',
        'source <(azsess completion zsh)             # in ~/.zshrc, after compinit',
        'azsess completion fish > ~/.config/fish/completions/azsess.fish',
      ),
    )
    .action((shell: CompletionShell, _opts, command: Command) => {
      let root = command;
      while (root.parent) root = root.parent;
      ctx.stdout.write(completionScript(shell, completionModel(root)));
    });
}
