import { Command, CommanderError } from 'commander';
import { UsageError } from '../domain/errors.js';
import { version } from '../domain/version.js';
import { clearCacheCommand } from './commands/clear-cache.js';
import { completionCommand } from './commands/completion.js';
import { gitCredentialCommand } from './commands/git-credential.js';
import { importCommand } from './commands/import-az.js';
import { loginCommand } from './commands/login.js';
import { scrubCommand } from './commands/scrub.js';
import { serveCommand } from './commands/serve.js';
import { setupCommand } from './commands/setup.js';
import { statusCommand } from './commands/status.js';
import { tokenCommand } from './commands/token.js';
import { writeManifestCommand } from './commands/write-manifest.js';
import type { CliContext } from './context.js';
import { addOptions, examples } from './command-builder.js';
import { commonOptions } from './shared-options.js';

/** Commander's own errors become one sentence that says what to run instead. */
function usageErrorFrom(err: CommanderError, commandPath: string): UsageError {
  // commander's "(Did you mean token?)" becomes "(perhaps 'token')": one sentence, no stray '?'.
  const text = rephrase(err.message)
    .replace(/^error:\s*/, '')
    .replace(/\n+/g, ' ')
    .replace(/\s*\(Did you mean ([^?)]+)\?\)/, " (perhaps '$1')");
  const hint = `run '${commandPath} --help' for the usage`;
  return new UsageError(`${text.replace(/[.\s]+$/, '')}; ${hint}.`, { cause: err });
}

function rephrase(message: string): string {
  return message
    .replace(/^error:\s*/, '')
    .replace(/^option '(-[^' ]+)[^']*' argument missing/, '$1 needs a value')
    .replace(/^option '(-[^' ]+)[^']*' argument '([^']*)' is invalid\.\s*Allowed choices are ([^.]*)\.?/, "$1 '$2' is not valid; use one of $3");
}

/** Makes commander throw instead of exiting, and keeps its messages for main's single error path. */
function configure(cmd: Command, ctx: CliContext, commandPath: string): Command {
  cmd
    .exitOverride((err) => {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) throw err;
      if (err.code === 'commander.help') {
        // No command given: commander has shown the help on stderr.
        throw new UsageError(`Tell azsess what to do, for example 'azsess status'; run '${commandPath} --help' for the commands.`);
      }
      throw usageErrorFrom(err, commandPath);
    })
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
      // main prints the error once, in azsess's words
      outputError: () => undefined,
    })
    .showSuggestionAfterError(true)
    .allowExcessArguments(false);
  return cmd;
}

/** The whole command tree. Each command module only parses options and calls the core. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('azsess')
    .description(
      'Sign in to Microsoft Entra ID once, keep the sessions in ~/.azsessions (shared with AzSessions.jl), ' +
        'and print tokens for any tool.',
    )
    .version(version, '--version', 'print the azsess version')
    .helpOption('-h, --help', 'show help')
    .addHelpText(
      'after',
      examples(
        'azsess login --tenant contoso.onmicrosoft.com',
        'export TOKEN=$(azsess token --scope https://storage.azure.com/.default)',
        'azsess status',
      ),
    );
  addOptions(program, commonOptions);
  configure(program, ctx, 'azsess');
  const commands = [
    tokenCommand(ctx),
    loginCommand(ctx),
    statusCommand(ctx),
    writeManifestCommand(ctx),
    clearCacheCommand(ctx),
    scrubCommand(ctx),
    gitCredentialCommand(ctx),
    setupCommand(ctx),
    importCommand(ctx),
    serveCommand(ctx),
    completionCommand(ctx),
  ];
  for (const cmd of commands) {
    configure(cmd, ctx, `azsess ${cmd.name()}`);
    for (const sub of cmd.commands) configure(sub, ctx, `azsess ${cmd.name()} ${sub.name()}`);
    program.addCommand(cmd);
  }
  return program;
}
