import { resolve } from 'node:path';
import { parseClaimsArgument } from '../domain/claims.js';
import { parseProtocol, protocolChoices } from '../domain/protocol-names.js';
import { defaultRedirectUri } from '../domain/session.js';
import { collectScopes, parseRedirectUri, parseTenant, parseTimeout } from './option-parsers.js';

/**
 * The options several commands share, as spec data (cli/option-spec.ts): no commander here, as
 * the fast path reads them on every cache hit.
 */

/** Options every command takes, also accepted before the command name. */
export const commonOptions = [
  { flags: '--home <dir>', key: 'home', help: 'azsess home directory (default: $AZSESSIONS_HOME, else ~/.azsessions)' },
  { flags: '-v, --verbose', key: 'verbose', help: 'explain what azsess does, on stderr (never prints a token)' },
] as const;

export const protocolOption = (help = 'sign-in protocol') =>
  ({ flags: '--protocol <name>', key: 'protocol', help: `${help}: ${protocolChoices.join(', ')}`, parse: parseProtocol }) as const;

export const tenantOption = { flags: '--tenant <tenant>', key: 'tenant', help: 'tenant GUID or domain, or common, organizations, consumers', parse: parseTenant } as const;

export const clientIdOption = (help = 'application (client) id') => ({ flags: '--client-id <id>', key: 'clientId', help }) as const;

/** `--account`: whose session, among several people signed in to one app (default: the last to sign in). */
export const accountOption = {
  flags: '--account <upn-or-oid>',
  key: 'account',
  help: 'the account whose session to use, by UPN or object id (default: $AZSESS_ACCOUNT, else the last to sign in)',
} as const;

export const scopeOption = (help: string) => ({ flags: '--scope <scope>', key: 'scope', help, parse: collectScopes }) as const;

export const authorityOptions = [
  { flags: '--authority-host <host>', key: 'authorityHost', help: 'Entra login host, with or without https:// (default: $AZURE_AUTHORITY_HOST, else login.microsoftonline.com)' },
  { flags: '--cloud <name>', key: 'cloud', help: 'shorthand for the login host of a national cloud', choices: ['public', 'usgov', 'china'] },
] as const;

/** The settings a credential helper's command line may fix (else environment, manifest, default). */
export const helperSettingOptions = [protocolOption(), tenantOption, clientIdOption(), accountOption, ...authorityOptions] as const;

/*
 * The sign-in options one by one, so that `serve` can take them as a server does
 * (commands/serve-spec.ts): most as they are, some with its own help, the rest hidden.
 */

export const tokenScopeOption = scopeOption('scope to get a token for, e.g. https://storage.azure.com/.default (repeatable)');

/** `--client-id` of the commands that get tokens, where it also names a managed identity. */
const identityClientIdOption = clientIdOption('application (client) id; with vm, a user-assigned identity by client id');

const objectIdOption = { flags: '--object-id <id>', key: 'objectId', help: 'vm: a user-assigned identity by object (principal) id' } as const;

const msiResIdOption = { flags: '--msi-res-id <id>', key: 'msiResId', help: 'vm: a user-assigned identity by ARM resource id' } as const;

/** Whose token, from which protocol, tenant and login host: of `token`, `login` and `serve`. */
export const identityOptions = [
  protocolOption(),
  tenantOption,
  identityClientIdOption,
  objectIdOption,
  msiResIdOption,
  accountOption,
  ...authorityOptions,
] as const;

export const timeoutOption = (
  help = 'bound on the network work of the command (default: AZSESS_TIMEOUT, else 60); when given, also on the wait for the person to sign in (else 300 s for auth-code, the life of the code for device-code)',
) => ({ flags: '--timeout <seconds>', key: 'timeout', help, parse: parseTimeout }) as const;

export const clearCacheOption = {
  flags: '--clear-cache',
  key: 'clearCache',
  help: 'do not use the matching stored session; replace it once the new token is saved',
} as const;

export const redirectUriOption = (
  help = `auth-code: loopback redirect URI to listen on; port 0 or none: any free port (default ${defaultRedirectUri})`,
) => ({ flags: '--redirect-uri <uri>', key: 'redirectUri', help, parse: parseRedirectUri }) as const;

export const noBrowserOption = { flags: '--no-browser', key: 'browser', help: 'auth-code: print the sign-in URL instead of opening a browser' } as const;

export const loginHintOption = { flags: '--login-hint <upn>', key: 'loginHint', help: 'auth-code: the account to sign in, e.g. alice@contoso.com' } as const;

export const domainHintOption = {
  flags: '--domain-hint <domain>',
  key: 'domainHint',
  help: 'auth-code: skip home realm discovery, e.g. contoso.com or consumers',
} as const;

export const promptFormatOption = {
  flags: '--prompt-format <format>',
  key: 'promptFormat',
  help: 'device-code: the sign-in prompt on stderr as text for people, or one JSON line for programs (verification_uri, user_code, expires_on)',
  choices: ['text', 'json'],
  default: 'text',
} as const;

/** Options shared by `token`, `login` and `serve`. */
export const signInOptions = [
  tokenScopeOption,
  ...identityOptions,
  timeoutOption(),
  clearCacheOption,
  redirectUriOption(),
  noBrowserOption,
  loginHintOption,
  domainHintOption,
  promptFormatOption,
] as const;

const absolutePath = (value: string): string => resolve(value);

export const claimsOption = {
  flags: '--claims <json>',
  key: 'claims',
  help: 'a claims challenge from a resource (JSON, or its base64): get a new token asking for these claims',
  parse: (value: string) => parseClaimsArgument(value),
} as const;

export const caeOption = { flags: '--cae', key: 'cae', help: 'declare the cp1 client capability (continuous access evaluation); CAE tokens are cached apart' } as const;

/** Client certificates and federated tokens: how an app proves itself. */
export const appCredentialOptions = [
  {
    flags: '--client-certificate <path>',
    key: 'clientCertificate',
    help: 'client-credentials: PEM file with the private key and its certificate (default $AZURE_CLIENT_CERTIFICATE_PATH)',
    parse: absolutePath,
  },
  { flags: '--client-certificate-password-stdin', key: 'clientCertificatePasswordStdin', help: "read the encrypted key's password from one line of stdin (default $AZURE_CLIENT_CERTIFICATE_PASSWORD)" },
  { flags: '--certificate-alg <alg>', key: 'certificateAlg', help: 'certificate assertion signature: PS256 with x5t#S256 (default), or RS256 with x5t', choices: ['PS256', 'RS256'] },
  { flags: '--send-certificate-chain', key: 'sendCertificateChain', help: 'add the certificate chain (x5c) to the assertion, for subject name and issuer authentication' },
  {
    flags: '--federated-token-source <source>',
    key: 'federatedTokenSource',
    help: 'federated: where the token comes from (default auto: from the environment)',
    choices: ['auto', 'file', 'github', 'azure-pipelines'],
  },
  {
    flags: '--federated-token-file <path>',
    key: 'federatedTokenFile',
    help: 'federated: file holding the token, read for every request (default $AZURE_FEDERATED_TOKEN_FILE)',
    parse: absolutePath,
  },
  { flags: '--federated-audience <audience>', key: 'federatedAudience', help: 'federated, github: the audience to ask GitHub for (default api://AzureADTokenExchange)' },
  { flags: '--service-connection-id <id>', key: 'serviceConnectionId', help: 'federated, azure-pipelines: the service connection (default $AZURESUBSCRIPTION_SERVICE_CONNECTION_ID)' },
] as const;

/** Claims, CAE, client certificates and federated tokens: options of `token`, `login` and `serve`. */
export const credentialOptions = [claimsOption, caeOption, ...appCredentialOptions] as const;
