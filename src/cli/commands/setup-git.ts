import type { Command } from 'commander';
import { UsageError } from '../../domain/errors.js';
import {
  describeGitEntries,
  gitConfigCommands,
  gitHelperEntries,
  gitHelperValue,
  type GitConfigScope,
} from '../../helpers/git-config.js';
import { refusePublicSuffixWildcards } from '../../helpers/public-suffix.js';
import { commandFrom } from '../command-builder.js';
import type { CliContext } from '../context.js';
import type { CommandSpec, OptionsOf } from '../option-spec.js';
import { runTool } from '../run-tool.js';
import { startRuntime } from '../runtime.js';
import { selfCommand } from '../self-command.js';
import { commonOptions, helperSettingOptions } from '../shared-options.js';
import { collectHosts } from './git-credential-spec.js';
import { helperSettingArgs } from './helper-settings.js';

/** `azsess setup git`, as data (cli/option-spec.ts): the settings it writes into git's helper command. */
export const setupGitSpec = {
  name: 'git',
  description: "make git get Azure DevOps credentials from azsess (writes git's configuration)",
  options: [
    { flags: '--global', key: 'global', help: 'write to your global git configuration, ~/.gitconfig (the default)' },
    { flags: '--local', key: 'local', help: "write to this repository's .git/config instead" },
    { flags: '--allow-host <host>', key: 'allowHost', help: 'also use azsess for this host (host[:port], or *.domain; repeatable)', parse: collectHosts },
    ...helperSettingOptions,
    ...commonOptions,
  ],
  examples: ['azsess setup git', 'azsess setup git --local --tenant contoso.onmicrosoft.com', 'azsess setup git --allow-host git.contoso.com'],
} as const satisfies CommandSpec;

export type SetupGitOptions = OptionsOf<typeof setupGitSpec>;

export function setupGitCommand(ctx: CliContext): Command {
  return commandFrom(setupGitSpec, runSetupGit, ctx);
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
