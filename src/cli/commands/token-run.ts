import { getToken } from '../../core/get-token.js';
import type { Session } from '../../domain/session.js';
import { renderToken, type ExecInfo } from '../../output/token-formats.js';
import type { CliContext } from '../context.js';
import { startRuntime } from '../runtime.js';
import { prepareTokenLookup } from '../token-lookup.js';
import { readCertificatePassword } from '../credential-input.js';
import type { TokenOptions } from './token-spec.js';

/**
 * `azsess token`: a cache hit loads nothing more than this; a miss loads the engine, and a
 * request loads the HTTP client.
 */
export async function runToken(opts: TokenOptions, ctx: CliContext): Promise<void> {
  const { session, execInfo } = await tokenSession(opts, ctx);
  ctx.stdout.write(renderToken(session, opts.output, execInfo));
}

/** The session whose token answers `azsess token`'s options (and the other callers that print it their way: az). */
export async function tokenSession(opts: TokenOptions, ctx: CliContext): Promise<{ session: Session; execInfo?: ExecInfo }> {
  const rt = await startRuntime(ctx, opts, { flag: opts.timeout });
  const password = await readCertificatePassword(opts, ctx);
  const { query, execInfo, offsetSeconds } = prepareTokenLookup(opts, ctx, rt.home.value, password);
  // Asked only if a person must sign in: a process waiting for another's refresh never asks.
  const interactive = () => (execInfo?.interactive === false ? false : (opts.interactive ?? ctx.stderrIsTTY));
  const session = await getToken(
    query,
    { offsetSeconds, interactive, clearCache: opts.clearCache === true, ...(opts.home ? { homeFlag: opts.home } : {}) },
    {
      store: rt.store,
      log: rt.log,
      now: ctx.now,
      network: async () => {
        const { signInChoices, startNetwork } = await import('../network.js');
        return startNetwork(rt, signInChoices(opts));
      },
    },
  );
  return { session, execInfo };
}
