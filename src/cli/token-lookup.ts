import { defaultOffsetSeconds } from '../core/get-token.js';
import { resolveQuery } from '../core/resolve-query.js';
import type { TokenQuery } from '../core/token-query.js';
import { parseExecInfo, type ExecInfo, type OutputFormat } from '../output/token-formats.js';
import type { CredentialOptions } from './credential-input.js';
import type { SignInOptions } from './commands/sign-in-options.js';
import type { CliContext } from './context.js';

/** The `azsess token` options that decide which session answers. */
export interface TokenLookupOptions
  extends Pick<SignInOptions, 'protocol' | 'tenant' | 'clientId' | 'scope' | 'objectId' | 'msiResId' | 'authorityHost' | 'cloud' | 'account' | BrowserFlagName>,
    CredentialOptions {
  resource?: string;
  /** The app secret the az entry keeps for `az login -p` (core/settings.ts): never from argv. */
  clientSecret?: string;
  /** The az entry's default audience, of the login host the settings name (no second settings read). */
  defaultScopeFor?: (authority: string) => string;
  offset?: number;
  minValidity?: number;
  output: OutputFormat;
  serverId?: string;
}

type BrowserFlagName = 'redirectUri' | 'loginHint' | 'domainHint';

export interface TokenLookup {
  query: TokenQuery;
  execInfo?: ExecInfo;
  offsetSeconds: number;
}

/** The AKS server application: the default audience of `--output exec-credential`. */
export const aksServerId = '6dae42f8-4368-4678-94ff-3960e28e3630';

/** `azsess token`'s flags to the session query (core/resolve-query.ts), the output details and the offset. */
export function prepareTokenLookup(opts: TokenLookupOptions, ctx: CliContext, home: string, certificatePassword?: string): TokenLookup {
  const execInfo = opts.output === 'exec-credential' ? parseExecInfo(ctx.env.KUBERNETES_EXEC_INFO) : undefined;
  const query = resolveQuery(opts, ctx.env, home, {
    ...(certificatePassword !== undefined ? { certificatePassword } : {}),
    ...(execInfo ? { defaultScope: `${opts.serverId ?? aksServerId}/.default` } : {}),
    ...(opts.defaultScopeFor ? { defaultScopeFor: opts.defaultScopeFor } : {}),
  });
  const offsetSeconds = opts.offset ?? opts.minValidity ?? defaultOffsetSeconds();
  return execInfo ? { query, execInfo, offsetSeconds } : { query, offsetSeconds };
}
