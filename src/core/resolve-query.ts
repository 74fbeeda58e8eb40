import { readManifest } from '../store/manifest.js';
import type { CredentialFlags } from './credential-choice.js';
import { resolveSettings, type ManifestValues, type SettingFlags, type Settings } from './settings.js';
import { buildTokenQuery, type QueryInput, type TokenQuery } from './token-query.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * What a command line says about the token it wants, whichever command it is (token, login,
 * serve, the az entry, the helpers): the settings flags, the managed identity, the browser, the
 * audience and the application's credential. The certificate password is already read.
 */
export interface QueryFlags extends SettingFlags, Omit<CredentialFlags, 'certificatePassword'> {
  objectId?: string;
  msiResId?: string;
  redirectUri?: string;
  loginHint?: string;
  domainHint?: string;
  scope?: string[];
  scopeAuth?: string[];
  resource?: string;
  claims?: string;
  cae?: boolean;
}

/** What the query takes beyond the flags: the password read from stdin, a default audience. */
export interface QueryExtras {
  certificatePassword?: string;
  /** Used when neither --scope nor --resource is given (for example the AKS server app). */
  defaultScope?: string;
  /** The same, of the login host the settings name (the az entry: ARM of that cloud). */
  defaultScopeFor?: (authority: string) => string;
}

/** The flags that name settings: flags, then the environment, then the manifest decide. */
export function settingFlags(opts: SettingFlags): SettingFlags {
  return {
    ...(opts.protocol ? { protocol: opts.protocol } : {}),
    ...(opts.tenant ? { tenant: opts.tenant } : {}),
    ...(opts.clientId ? { clientId: opts.clientId } : {}),
    ...(opts.authorityHost !== undefined ? { authorityHost: opts.authorityHost } : {}),
    ...(opts.cloud ? { cloud: opts.cloud } : {}),
    ...(opts.account !== undefined ? { account: opts.account } : {}),
    ...(opts.clientSecret ? { clientSecret: opts.clientSecret } : {}),
  };
}

/** The settings of these flags, as `azsess status` shows them and every query starts from. */
export function querySettings(flags: SettingFlags, env: Env, manifest: ManifestValues | undefined): Settings {
  return resolveSettings(settingFlags(flags), env, manifest);
}

/** The same, with the manifest of the home (the one place a query reads it). */
export function homeSettings(flags: SettingFlags, env: Env, home: string): Settings {
  return querySettings(flags, env, readManifest(home));
}

function identityFlags(opts: QueryFlags) {
  return {
    ...(opts.clientId ? { clientId: opts.clientId } : {}),
    ...(opts.objectId ? { objectId: opts.objectId } : {}),
    ...(opts.msiResId ? { resourceId: opts.msiResId } : {}),
  };
}

/** The auth code flags, as the query takes them (the redirect URI also picks the session). */
function browserFlags(opts: QueryFlags) {
  return {
    ...(opts.redirectUri ? { redirectUri: opts.redirectUri } : {}),
    ...(opts.loginHint ? { loginHint: opts.loginHint } : {}),
    ...(opts.domainHint ? { domainHint: opts.domainHint } : {}),
  };
}

/** The query input of the claims, CAE, certificate and federated flags (and the environment they fall back on). */
export function credentialQueryInput(opts: QueryFlags, env: Env, certificatePassword?: string): Pick<QueryInput, 'credentials' | 'claims' | 'cae'> {
  const flags: CredentialFlags = {
    ...(opts.clientCertificate ? { clientCertificate: opts.clientCertificate } : {}),
    ...(opts.certificateAlg ? { certificateAlg: opts.certificateAlg } : {}),
    ...(opts.sendCertificateChain ? { sendCertificateChain: true } : {}),
    ...(opts.federatedTokenSource ? { federatedTokenSource: opts.federatedTokenSource } : {}),
    ...(opts.federatedTokenFile ? { federatedTokenFile: opts.federatedTokenFile } : {}),
    ...(opts.federatedAudience !== undefined ? { federatedAudience: opts.federatedAudience } : {}),
    ...(opts.serviceConnectionId !== undefined ? { serviceConnectionId: opts.serviceConnectionId } : {}),
    ...(certificatePassword !== undefined ? { certificatePassword } : {}),
  };
  return {
    credentials: { flags, env },
    ...(opts.claims ? { claims: opts.claims } : {}),
    ...(opts.cae ? { cae: true } : {}),
  };
}

/** Flags, environment and the manifest of the home to the session query of `azsess token`, `login` and `serve`. */
export function resolveQuery(flags: QueryFlags, env: Env, home: string, extras: QueryExtras = {}): TokenQuery {
  const settings = homeSettings(flags, env, home);
  const defaultScope = extras.defaultScope ?? extras.defaultScopeFor?.(settings.authority.value);
  return buildTokenQuery(settings, {
    ...credentialQueryInput(flags, env, extras.certificatePassword),
    ...(flags.scope ? { scopes: flags.scope } : {}),
    ...(flags.resource ? { resource: flags.resource } : {}),
    ...(flags.scopeAuth ? { scopeAuth: flags.scopeAuth } : {}),
    identity: identityFlags(flags),
    ...(defaultScope ? { defaultScope } : {}),
    browser: browserFlags(flags),
  });
}

/**
 * A credential helper's query (git, docker): the settings flags and the environment, one scope, and
 * no credential flags (an app's certificate or federated token is not looked for here).
 */
export function resolveHelperQuery(flags: SettingFlags, env: Env, home: string, scope: string): TokenQuery {
  return buildTokenQuery(homeSettings(flags, env, home), { scopes: [scope] });
}
