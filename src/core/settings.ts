import { clouds, displayAuthority, normaliseAuthority, type CloudName } from '../domain/authority.js';
import { ConfigError, UsageError } from '../domain/errors.js';
import { lookupProtocol, type ProtocolName } from '../domain/protocol-names.js';
import { rememberSecret } from '../domain/redact.js';
import { isValidTenant, tenantHint } from '../domain/tenant.js';

/** Where a setting's value came from: flag > environment > manifest > default. */
export type Source = 'flag' | 'environment' | 'manifest' | 'default';

export interface Resolved<T> {
  value: T;
  source: Source;
  /** The flag, variable or manifest key that gave it. */
  origin: string;
}

/** The manifest keys settings read (store/manifest.ts parses and checks the file). */
export interface ManifestValues {
  client_id: string;
  client_secret: string;
  tenant: string;
  protocol: string;
}

export interface SettingFlags {
  protocol?: ProtocolName;
  tenant?: string;
  clientId?: string;
  authorityHost?: string;
  cloud?: CloudName;
  /** `--account`: a UPN or an object id. */
  account?: string;
  /** An app's secret a caller holds for it (the az entry's `az login -p`); never a command-line flag of azsess's. */
  clientSecret?: string;
}

export interface Settings {
  protocol: Resolved<ProtocolName>;
  tenant: Resolved<string>;
  clientId: Resolved<string>;
  /** Never shown: status prints "set" or "not set". */
  clientSecret: Resolved<string | undefined>;
  authority: Resolved<string>;
  /** The account of user sessions: `--account`, AZSESS_ACCOUNT, else (value unset) the default account. */
  account: Resolved<string | undefined>;
}

/**
 * Azure CLI's public client, as azure-identity uses by default: it lets people sign in before
 * they register an app of their own (docs/protocols.md says why they should).
 */
export const defaultPublicClientId = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
export const defaultTenant = 'organizations';

type Env = Readonly<Record<string, string | undefined>>;

function pick<T>(...candidates: Array<Resolved<T | undefined> | undefined>): Resolved<T> | undefined {
  for (const c of candidates) if (c && c.value !== undefined && c.value !== '') return c as Resolved<T>;
  return undefined;
}

function fromEnv(env: Env, name: string): Resolved<string | undefined> {
  return { value: env[name], source: 'environment', origin: name };
}

/** `--cloud` names a login host of its own: with `--authority-host` as well, one of them would be ignored. */
export function checkAuthorityFlags(flags: Pick<SettingFlags, 'authorityHost' | 'cloud'>): void {
  if (flags.authorityHost !== undefined && flags.cloud !== undefined) {
    throw new UsageError(`--cloud and --authority-host both name the login host; give one of them, not both.`);
  }
}

/** `--authority-host`'s value as `scheme://host[:port]`, or exit 2 (never echoing a user name or password). */
export function authorityFromFlag(value: string): string {
  const check = normaliseAuthority(value);
  if (!check.ok) throw new UsageError(`--authority-host '${displayAuthority(value)}' is not usable: ${check.problem}.`);
  return check.url;
}

function resolveAuthority(flags: SettingFlags, env: Env): Resolved<string> {
  checkAuthorityFlags(flags);
  if (flags.authorityHost !== undefined) return { value: authorityFromFlag(flags.authorityHost), source: 'flag', origin: '--authority-host' };
  if (flags.cloud !== undefined) return { value: clouds[flags.cloud], source: 'flag', origin: '--cloud' };
  const fromVariable = env.AZURE_AUTHORITY_HOST;
  if (fromVariable !== undefined && fromVariable !== '') {
    const check = normaliseAuthority(fromVariable);
    if (!check.ok) {
      throw new ConfigError(`AZURE_AUTHORITY_HOST '${displayAuthority(fromVariable)}' is not usable: ${check.problem}; fix or unset it.`);
    }
    return { value: check.url, source: 'environment', origin: 'AZURE_AUTHORITY_HOST' };
  }
  return { value: clouds.public, source: 'default', origin: 'default' };
}

function resolveProtocol(flags: SettingFlags, env: Env, manifest?: ManifestValues): Resolved<ProtocolName> {
  if (flags.protocol) return { value: flags.protocol, source: 'flag', origin: '--protocol' };
  const variable = env.AZSESS_PROTOCOL;
  if (variable) {
    const known = lookupProtocol(variable);
    if (!known) throw new ConfigError(`AZSESS_PROTOCOL '${variable}' is not a protocol azsess knows; fix or unset it.`);
    return { value: known, source: 'environment', origin: 'AZSESS_PROTOCOL' };
  }
  const stored = manifest?.protocol ? lookupProtocol(manifest.protocol) : undefined;
  if (stored) return { value: stored, source: 'manifest', origin: 'manifest.json protocol' };
  return { value: 'AzDeviceCodeFlowCredentials', source: 'default', origin: 'default' };
}

/** Every setting a command may need, each with the place it came from. */
export function resolveSettings(flags: SettingFlags, env: Env, manifest?: ManifestValues): Settings {
  const tenantVariable = env.AZURE_TENANT_ID;
  if (flags.tenant === undefined && tenantVariable && !isValidTenant(tenantVariable)) {
    throw new ConfigError(`AZURE_TENANT_ID '${tenantVariable}' is not ${tenantHint}; fix or unset it.`);
  }
  const tenant =
    pick<string>(
      { value: flags.tenant, source: 'flag', origin: '--tenant' },
      fromEnv(env, 'AZURE_TENANT_ID'),
      { value: manifest?.tenant, source: 'manifest', origin: 'manifest.json tenant' },
    ) ?? { value: defaultTenant, source: 'default', origin: 'default' };
  const clientId =
    pick<string>(
      { value: flags.clientId, source: 'flag', origin: '--client-id' },
      fromEnv(env, 'AZURE_CLIENT_ID'),
      { value: manifest?.client_id, source: 'manifest', origin: 'manifest.json client_id' },
    ) ?? { value: defaultPublicClientId, source: 'default', origin: 'default' };
  const clientSecret =
    pick<string>({ value: flags.clientSecret, source: 'flag', origin: 'az login' }, fromEnv(env, 'AZURE_CLIENT_SECRET'), {
      value: manifest?.client_secret,
      source: 'manifest',
      origin: 'manifest.json client_secret',
    }) ?? { value: undefined, source: 'default', origin: 'default' };
  // Entra may echo a secret back in an error_description: whatever prints it, it is redacted.
  rememberSecret(clientSecret.value);
  return {
    protocol: resolveProtocol(flags, env, manifest),
    tenant,
    clientId,
    clientSecret,
    authority: resolveAuthority(flags, env),
    account: resolveAccount(flags, env),
  };
}

/**
 * `--account` > AZSESS_ACCOUNT, trimmed. Given but empty or blank is a usage error, never "not
 * given": `--account "$UNSET"` must not pick another person's token or widen `clear-cache` to
 * everyone. Unset: the default account.
 */
export function resolveAccount(flags: Pick<SettingFlags, 'account'>, env: Env): Resolved<string | undefined> {
  if (flags.account !== undefined) return { value: accountValue(flags.account, '--account'), source: 'flag', origin: '--account' };
  const variable = env.AZSESS_ACCOUNT;
  if (variable !== undefined) return { value: accountValue(variable, 'AZSESS_ACCOUNT'), source: 'environment', origin: 'AZSESS_ACCOUNT' };
  return { value: undefined, source: 'default', origin: 'default' };
}

/** An account as given (flag or variable), trimmed, or exit 2 when it names nobody. */
export function accountValue(given: string, origin: '--account' | 'AZSESS_ACCOUNT'): string {
  const value = given.trim();
  if (value === '') {
    const fix = origin === '--account' ? 'give one or leave the flag out' : 'set it to one or unset it';
    throw new UsageError(`${origin} needs a UPN or an object id, such as alice@contoso.com; it was given '${given}': ${fix}.`);
  }
  return value;
}

/** `--home` > AZSESSIONS_HOME > `~/.azsessions`. */
export function resolveHome(flag: string | undefined, env: Env, userHome: string, resolvePath: (p: string) => string): Resolved<string> {
  if (flag !== undefined) {
    if (flag.trim() === '') throw new UsageError("--home needs a directory, such as ~/.azsessions; it was given ''.");
    return { value: resolvePath(flag), source: 'flag', origin: '--home' };
  }
  const variable = env.AZSESSIONS_HOME;
  if (variable) return { value: resolvePath(variable), source: 'environment', origin: 'AZSESSIONS_HOME' };
  return { value: resolvePath(`${userHome}/.azsessions`), source: 'default', origin: 'default' };
}
