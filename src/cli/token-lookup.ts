import { readManifest } from '../store/manifest.js';
import { defaultOffsetSeconds } from '../core/get-token.js';
import { resolveSettings } from '../core/settings.js';
import { buildTokenQuery, type TokenQuery } from '../core/token-query.js';
import { parseExecInfo, type ExecInfo, type OutputFormat } from '../output/token-formats.js';
import { credentialInput, type CredentialOptions } from './credential-input.js';
import type { SignInOptions } from './commands/sign-in-options.js';
import type { CliContext } from './context.js';

/** The `azsess token` options that decide which session answers. */
export interface TokenLookupOptions
  extends Pick<SignInOptions, 'protocol' | 'tenant' | 'clientId' | 'scope' | 'objectId' | 'msiResId' | 'authorityHost' | 'cloud' | 'account' | BrowserFlagName>,
    CredentialOptions {
  resource?: string;
  offset?: number;
  minValidity?: number;
  output: OutputFormat;
  serverId?: string;
}

type BrowserFlagName = 'redirectUri' | 'loginHint' | 'domainHint';

/** The auth code flags, as the query takes them (the redirect URI also picks the session). */
export function browserFlags(opts: Pick<SignInOptions, BrowserFlagName>) {
  return {
    ...(opts.redirectUri ? { redirectUri: opts.redirectUri } : {}),
    ...(opts.loginHint ? { loginHint: opts.loginHint } : {}),
    ...(opts.domainHint ? { domainHint: opts.domainHint } : {}),
  };
}

/** The flags that name settings and a managed identity (token and login). */
type SettingsFlags = Pick<SignInOptions, 'protocol' | 'tenant' | 'clientId' | 'objectId' | 'msiResId' | 'authorityHost' | 'cloud' | 'account'>;

export interface TokenLookup {
  query: TokenQuery;
  execInfo?: ExecInfo;
  offsetSeconds: number;
}

/** The AKS server application: the default audience of `--output exec-credential`. */
export const aksServerId = '6dae42f8-4368-4678-94ff-3960e28e3630';

export function settingFlags(opts: SettingsFlags) {
  return {
    ...(opts.protocol ? { protocol: opts.protocol } : {}),
    ...(opts.tenant ? { tenant: opts.tenant } : {}),
    ...(opts.clientId ? { clientId: opts.clientId } : {}),
    ...(opts.authorityHost !== undefined ? { authorityHost: opts.authorityHost } : {}),
    ...(opts.cloud ? { cloud: opts.cloud } : {}),
    ...(opts.account !== undefined ? { account: opts.account } : {}),
  };
}

export function identityFlags(opts: SettingsFlags) {
  return {
    ...(opts.clientId ? { clientId: opts.clientId } : {}),
    ...(opts.objectId ? { objectId: opts.objectId } : {}),
    ...(opts.msiResId ? { resourceId: opts.msiResId } : {}),
  };
}

/** Settings, manifest and flags to the session query, the output details and the offset. */
export function prepareTokenLookup(opts: TokenLookupOptions, ctx: CliContext, home: string, certificatePassword?: string): TokenLookup {
  const execInfo = opts.output === 'exec-credential' ? parseExecInfo(ctx.env.KUBERNETES_EXEC_INFO) : undefined;
  const settings = resolveSettings(settingFlags(opts), ctx.env, readManifest(home));
  const query = buildTokenQuery(settings, {
    ...credentialInput(opts, ctx.env, certificatePassword),
    ...(opts.scope ? { scopes: opts.scope } : {}),
    ...(opts.resource ? { resource: opts.resource } : {}),
    identity: identityFlags(opts),
    ...(execInfo ? { defaultScope: `${opts.serverId ?? aksServerId}/.default` } : {}),
    browser: browserFlags(opts),
  });
  const offsetSeconds = opts.offset ?? opts.minValidity ?? defaultOffsetSeconds();
  return execInfo ? { query, execInfo, offsetSeconds } : { query, offsetSeconds };
}
