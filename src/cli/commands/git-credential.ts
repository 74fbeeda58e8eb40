import { Argument, Command } from 'commander';
import { forgetAccessToken, readManifest } from '../../core/admin.js';
import { resolveSettings } from '../../core/settings.js';
import { buildTokenQuery, type TokenQuery } from '../../core/token-query.js';
import {
  defaultGitHosts,
  devopsScope,
  gitCredentialActions,
  handleGitCredential,
  parseAllowHost,
  type GitCredentialAction,
} from '../../helpers/git-credential.js';
import type { CliContext } from '../context.js';
import { helperToken, lazyNetwork } from '../helper-token.js';
import { addCommonOptions, examples } from '../options.js';
import { readUntilBlankLine } from '../read-input.js';
import { startRuntime, type Runtime } from '../runtime.js';
import { addHelperSettingOptions, helperSettingFlags, type HelperSettingOptions } from './helper-settings.js';

export interface GitCredentialOptions extends HelperSettingOptions {
  allowHost?: string[];
}

function collectHosts(value: string, previous: string[] = []): string[] {
  return [...previous, parseAllowHost(value)];
}

export function gitCredentialCommand(ctx: CliContext): Command {
  const cmd = new Command('git-credential')
    .description(`git credential helper: Azure DevOps tokens for ${defaultGitHosts.join(' and ')} (and --allow-host hosts); silent for any other host`)
    .addArgument(new Argument('<action>', 'what git asks').choices(gitCredentialActions))
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
  return cmd.action(async (action: GitCredentialAction, _opts, command: Command) =>
    runGitCredential(action, command.optsWithGlobals(), ctx),
  );
}

function devopsQuery(opts: GitCredentialOptions, rt: Runtime): TokenQuery {
  const settings = resolveSettings(helperSettingFlags(opts), rt.ctx.env, readManifest(rt.home.value));
  return buildTokenQuery(settings, { scopes: [devopsScope] });
}

export async function runGitCredential(action: GitCredentialAction, opts: GitCredentialOptions, ctx: CliContext): Promise<void> {
  const rt = await startRuntime(ctx, opts);
  // Read only the request: a caller may keep stdin open after its blank line.
  const input = await readUntilBlankLine(ctx.stdin);
  const allowHosts = [...defaultGitHosts, ...(opts.allowHost ?? [])];
  const network = lazyNetwork(rt);
  const output = await handleGitCredential(action, input, allowHosts, {
    token: async () => {
      const session = await helperToken(rt, devopsQuery(opts, rt), network);
      return { token: session.token, expiry: session.expiry };
    },
    forget: async () => {
      const dropped = await forgetAccessToken(devopsQuery(opts, rt), rt.store);
      rt.log.verbose(`git refused the token: dropped ${dropped} cached access token${dropped === 1 ? '' : 's'}.`);
    },
  });
  if (output === '' && action === 'get') rt.log.verbose('Not a host azsess answers for: git moves on to its next helper.');
  ctx.stdout.write(output);
}
