import { Argument, Command } from 'commander';
import { defaultGitHosts, gitCredentialActions, isGitCredentialAction, parseAllowHost } from '../../helpers/git-credential.js';
import type { CliContext } from '../context.js';
import { addCommonOptions, examples } from '../options.js';
import { runGitCredential } from './git-credential-run.js';
import { addHelperSettingOptions } from './helper-settings.js';

function collectHosts(value: string, previous: string[] = []): string[] {
  return [...previous, parseAllowHost(value)];
}

export function gitCredentialCommand(ctx: CliContext): Command {
  const cmd = new Command('git-credential')
    .description(`git credential helper: Azure DevOps tokens for ${defaultGitHosts.join(' and ')} (and --allow-host hosts); silent for any other host`)
    // The choices stay for help and completion; the parser accepts any word, as the action ignores others.
    .addArgument(new Argument('<action>', 'what git asks (any other action is ignored)').choices(gitCredentialActions).argParser((v: string) => v))
    .option('--allow-host <host>', 'also answer for this host (host[:port], or *.domain; repeatable)', collectHosts);
  addHelperSettingOptions(cmd);
  cmd.addHelpText(
    'after',
    examples(
      'azsess setup git   # writes the helper into ~/.gitconfig',
      "git config --global credential.https://dev.azure.com.helper '!azsess git-credential'",
      "printf 'protocol=https\\nhost=dev.azure.com\\n\\n' | azsess git-credential get",
    ),
  );
  addCommonOptions(cmd);
  return cmd.action(async (action: string, _opts, command: Command) => {
    // gitcredentials(7): a helper ignores an operation it does not know (git may add more): exit 0, silent.
    if (!isGitCredentialAction(action)) return;
    await runGitCredential(action, command.optsWithGlobals(), ctx);
  });
}
