import { defaultGitHosts, gitCredentialActions, parseAllowHost } from '../../helpers/git-credential.js';
import type { CommandSpec, OptionsOf } from '../option-spec.js';
import { commonOptions, helperSettingOptions } from '../shared-options.js';

/** `--allow-host`, repeatable: of git-credential and of `setup git`, which writes it into the helper's command. */
export function collectHosts(value: string, previous: string[] = []): string[] {
  return [...previous, parseAllowHost(value)];
}

/** `azsess git-credential`, as data: commander's command and the fast path (cli/fast-argv.ts) both read it. */
export const gitCredentialSpec = {
  name: 'git-credential',
  description: `git credential helper: Azure DevOps tokens for ${defaultGitHosts.join(' and ')} (and --allow-host hosts); silent for any other host`,
  // The choices are for help and completion: any other word is taken, and ignored by the run.
  argument: { name: '<action>', key: 'action', help: 'what git asks (any other action is ignored)', choices: gitCredentialActions },
  options: [
    { flags: '--allow-host <host>', key: 'allowHost', help: 'also answer for this host (host[:port], or *.domain; repeatable)', parse: collectHosts },
    ...helperSettingOptions,
    ...commonOptions,
  ],
  examples: [
    'azsess setup git   # writes the helper into ~/.gitconfig',
    "git config --global credential.https://dev.azure.com.helper '!azsess git-credential'",
    "printf 'protocol=https\\nhost=dev.azure.com\\n\\n' | azsess git-credential get",
  ],
} as const satisfies CommandSpec;

export type GitCredentialOptions = OptionsOf<typeof gitCredentialSpec>;
