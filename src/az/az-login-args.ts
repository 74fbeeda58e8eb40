import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { rememberSecret } from '../domain/redact.js';
import { isRegularFile } from '../io/read-file.js';
import { AzUsageError, defaultGlobalArgs, fullOptionName, parseOptions, splitArg, type AzCommand, type AzOption, type Parsing } from './az-args.js';

/**
 * `az login` and `az logout` as az reads them (az-args.ts's rules), in a module of their own so a
 * token's cache hit does not load them.
 */

/** `az login`'s own arguments: a person's sign-in, else an app's (`app`) or a managed identity's (`identity`). */
export interface AzLoginArgs {
  tenant?: string;
  useDeviceCode: boolean;
  scope?: string;
  allowNoSubscriptions: boolean;
  /** --claims-challenge: a resource's claims challenge (base64 JSON, as the SDKs print it) for --scope. */
  claimsChallenge?: string;
  /** `--service-principal -u APP`: the app and the one proof it was given. */
  app?: AzAppLoginArgs;
  /** `--identity`: system-assigned, or a user-assigned identity by one of its ids. */
  identity?: { clientId?: string; objectId?: string; resourceId?: string };
  /** What to say on stderr even when the login succeeds (a secret on the command line). */
  warnings: string[];
}

export interface AzAppLoginArgs {
  clientId: string;
  /** `-p SECRET`. */
  secret?: string;
  /** `--certificate PATH`, or `-p PATH` naming a file (az's older form): absolute. */
  certificate?: string;
  federatedToken?: string;
}

/** `~/x` as az expands it (os.path.expanduser), made absolute. */
function expandedPath(path: string): string {
  return resolve(path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path);
}

/** The words az prints for a service principal login it cannot read. */
const appUsage = 'usage error: --service-principal --username NAME --password SECRET --tenant TENANT';

/** A person's sign-in, an app's or a managed identity's, checked as az checks them (profile/custom.py login). */
function checkedLogin(login: AzLoginArgs, raw: { servicePrincipal: boolean; identity: boolean; username?: string; password?: string; certificate?: string; federatedToken?: string; ids: Record<string, string> }): AzLoginArgs {
  const proofs = [raw.password, raw.certificate, raw.federatedToken].filter((p) => p !== undefined);
  if (raw.identity) {
    if (raw.servicePrincipal || proofs.length > 0 || login.tenant !== undefined) throw new AzUsageError("usage error: '--identity' is not applicable with other arguments");
    const ids = Object.entries(raw.ids);
    if (raw.username !== undefined) ids.push([raw.username.startsWith('/') ? 'resourceId' : 'clientId', raw.username]);
    if (ids.length > 1) throw new AzUsageError('usage error: --client-id, --object-id and --resource-id name one identity: give at most one of them.');
    return { ...login, identity: Object.fromEntries(ids) };
  }
  if (Object.keys(raw.ids).length > 0) throw new AzUsageError('usage error: --client-id, --object-id and --resource-id are only applicable with --identity');
  if (!raw.servicePrincipal) return login;
  if (login.useDeviceCode) throw new AzUsageError("usage error: '--use-device-code' is not applicable with other arguments");
  if (raw.username === undefined) throw new AzUsageError(appUsage);
  if (login.tenant === undefined) throw new AzUsageError(`${appUsage}: a service principal signs in at its tenant, so --tenant is needed.`);
  if (proofs.length === 0) throw new AzUsageError('Please specify both username and password in non-interactive mode: give -p SECRET, --certificate PATH or --federated-token TOKEN.');
  if (proofs.length > 1) throw new AzUsageError('usage error: give one of -p, --certificate and --federated-token, not several.');
  const app: AzAppLoginArgs = { clientId: raw.username };
  // As az's build_credential: a password that names a file is a certificate.
  if (raw.password !== undefined && isRegularFile(expandedPath(raw.password))) app.certificate = expandedPath(raw.password);
  else if (raw.password !== undefined) {
    app.secret = raw.password;
    login.warnings.push('WARNING: -p puts the client secret in the process list and your shell history; prefer --certificate or --federated-token.');
  }
  if (raw.certificate !== undefined) app.certificate = expandedPath(raw.certificate);
  if (raw.federatedToken !== undefined) app.federatedToken = raw.federatedToken;
  return { ...login, app };
}

/** An argument's full option name (`--user` is `--username`), or the argument itself when it is none or several. */
function optionNameOrSelf(name: string, options: Parsing['options']): string {
  try {
    return fullOptionName(name, options);
  } catch {
    return name;
  }
}

/** `login`/`logout` command lines azsess answers; else undefined (they go to the Azure CLI). */
export function parseAzLoginArgs(args: readonly string[]): AzCommand | undefined {
  if (args[0] === 'login') {
    const global = defaultGlobalArgs();
    const login: AzLoginArgs = { useDeviceCode: false, allowNoSubscriptions: false, warnings: [] };
    const raw: Parameters<typeof checkedLogin>[1] = { servicePrincipal: false, identity: false, ids: {} };
    const username: AzOption = { store: (v) => (raw.username = v) };
    // Whatever prints it later (an Entra error echoing it), the secret is redacted.
    const password: AzOption = { store: (v) => { rememberSecret(v); raw.password = v; } };
    const tenant: AzOption = { store: (v) => (login.tenant = v) };
    const options: Parsing['options'] = {
      '--service-principal': { store: () => (raw.servicePrincipal = true), flag: true },
      '--identity': { store: () => (raw.identity = true), flag: true },
      '--username': username,
      '-u': username,
      '--password': password,
      '-p': password,
      '--certificate': { store: (v) => (raw.certificate = v) },
      '--federated-token': { store: (v) => { rememberSecret(v); raw.federatedToken = v; } },
      '--client-id': { store: (v) => (raw.ids.clientId = v) },
      '--object-id': { store: (v) => (raw.ids.objectId = v) },
      '--resource-id': { store: (v) => (raw.ids.resourceId = v) },
      '--tenant': tenant,
      '-t': tenant,
      '--scope': { store: (v) => (login.scope = v) },
      '--claims-challenge': { store: (v) => (login.claimsChallenge = v) },
      '--use-device-code': { store: () => (login.useDeviceCode = true), flag: true },
      '--allow-no-subscriptions': { store: () => (login.allowNoSubscriptions = true), flag: true },
    };
    // A person's sign-in with a password (ROPC) is the Azure CLI's: azsess never takes a person's password.
    const names = args.slice(1).map((a) => optionNameOrSelf(splitArg(a).name, options));
    const byPassword = (names.includes('--username') || names.includes('-u')) && !names.includes('--service-principal') && !names.includes('--identity');
    if (byPassword) return undefined;
    if (!parseOptions(args.slice(1), { global, options })) return undefined;
    return { name: 'login', global, login: checkedLogin(login, raw) };
  }
  if (args[0] === 'logout') {
    const global = defaultGlobalArgs();
    let username: string | undefined;
    if (!parseOptions(args.slice(1), { global, options: { '--username': { store: (v) => (username = v) } } })) return undefined;
    return username === undefined ? { name: 'logout', global } : { name: 'logout', global, username };
  }
  return undefined;
}
