import { Command } from 'commander';
import { UsageError } from '../../domain/errors.js';
import {
  describeGitEntries,
  gitConfigCommands,
  gitHelperEntries,
  gitHelperValue,
  type GitConfigScope,
} from '../../helpers/git-config.js';
import { parseAllowHost } from '../../helpers/git-credential.js';
import { refusePublicSuffixWildcards } from '../../helpers/public-suffix.js';
import type { CliContext } from '../context.js';
import { addCommonOptions, examples } from '../options.js';
import { runTool } from '../run-tool.js';
import { startRuntime } from '../runtime.js';
import { selfCommand } from '../self-command.js';
import { addHelperSettingOptions, helperSettingArgs, type HelperSettingOptions } from './helper-settings.js';

export interface SetupGitOptions extends HelperSettingOptions {
  global?: boolean;
  local?: boolean;
  allowHost?: string[];
}

export function setupGitCommand(ctx: CliContext): Command {
  const cmd = new Command('git')
    .description("make git get Azure DevOps credentials from azsess (writes git's configuration)")
    .option('--global', 'write to your global git configuration, ~/.gitconfig (the default)')
    .option('--local', "write to this repository's .git/config instead")
    .option('--allow-host <host>', 'also use azsess for this host (host[:port], or *.domain; repeatable)', (v: string, prev: string[] = []) => [
      ...prev,
      parseAllowHost(v),
    ]);
  addHelperSettingOptions(cmd);
  cmd.addHelpText(
    'after',
    examples('azsess setup git', 'azsess setup git --local --tenant contoso.onmicrosoft.com', 'azsess setup git --allow-host git.contoso.com'),
  );
  addCommonOptions(cmd);
  return cmd.action(async (_opts, command: Command) => runSetupGit(command.optsWithGlobals(), ctx));
}

export async function runSetupGit(opts: SetupGitOptions, ctx: CliContext): Promise<void> {
  if (opts.global && opts.local) throw new UsageError('Give --global or --local, not both.');
  const allowHosts = opts.allowHost ?? [];
  await refusePublicSuffixWildcards(allowHosts);
  const rt = await startRuntime(ctx, opts);
  const scope: GitConfigScope = opts.local ? 'local' : 'global';
  const helperArgs = [...allowHosts.flatMap((h) => ['--allow-host', h]), ...helperSettingArgs(opts)];
  const entries = gitHelperEntries(gitHelperValue(selfCommand(ctx), helperArgs), allowHosts);
  for (const args of gitConfigCommands(scope, entries)) {
    // `--unset-all` of a key that is not set exits 5: there was nothing to replace.
    await runTool('git', args, ctx, args.includes('--unset-all') ? [0, 5] : [0]);
  }
  rt.log.info(`Wrote to git's ${scope} configuration:\n${describeGitEntries(entries)}`);
}
