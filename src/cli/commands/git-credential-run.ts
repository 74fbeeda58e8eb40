import { resolveHelperQuery } from '../../core/resolve-query.js';
import type { TokenQuery } from '../../core/token-query.js';
import { defaultGitHosts, devopsScope, handleGitCredential, isGitCredentialAction } from '../../helpers/git-credential.js';
import type { CliContext } from '../context.js';
import { helperToken, lazyNetwork } from '../helper-token.js';
import { readUntilBlankLine } from '../read-input.js';
import { startRuntime, type Runtime } from '../runtime.js';
import type { GitCredentialOptions } from './git-credential-spec.js';

function devopsQuery(opts: GitCredentialOptions, rt: Runtime): TokenQuery {
  return resolveHelperQuery(opts, rt.ctx.env, rt.home.value, devopsScope);
}

export async function runGitCredential(opts: GitCredentialOptions, ctx: CliContext): Promise<void> {
  const action = opts.action;
  // gitcredentials(7): a helper ignores an operation it does not know (git may add more): exit 0, silent.
  if (!isGitCredentialAction(action)) return;
  if (opts.allowHost?.some((h) => h.startsWith('*.'))) {
    const { refusePublicSuffixWildcards } = await import('../../helpers/public-suffix.js');
    await refusePublicSuffixWildcards(opts.allowHost);
  }
  const rt = await startRuntime(ctx, opts);
  // Read only the request: a caller may keep stdin open after its blank line.
  const input = await readUntilBlankLine(ctx);
  const allowHosts = [...defaultGitHosts, ...(opts.allowHost ?? [])];
  const network = lazyNetwork(rt);
  const output = await handleGitCredential(action, input, allowHosts, {
    token: async () => {
      const session = await helperToken(rt, devopsQuery(opts, rt), network);
      return { token: session.token, expiry: session.expiry };
    },
    forget: async () => {
      const { forgetAccessToken } = await import('../../core/admin.js');
      const dropped = await forgetAccessToken(devopsQuery(opts, rt), rt.store);
      rt.log.verbose(`git refused the token: dropped ${dropped} cached access token${dropped === 1 ? '' : 's'}.`);
    },
  });
  if (output === '' && action === 'get') rt.log.verbose('Not a host azsess answers for: git moves on to its next helper.');
  ctx.stdout.write(output);
}
