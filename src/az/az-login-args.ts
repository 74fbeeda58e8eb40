import { defaultGlobalArgs, parseOptions, splitArg, type AzCommand, type Parsing } from './az-args.js';

/**
 * `az login` and `az logout` as az reads them (az-args.ts's rules), in a module of their own so a
 * token's cache hit does not load them.
 */

/** `az login`'s own arguments (a person's sign-in). */
export interface AzLoginArgs {
  tenant?: string;
  useDeviceCode: boolean;
  scope?: string;
  allowNoSubscriptions: boolean;
  /** --claims-challenge: a resource's claims challenge (base64 JSON, as the SDKs print it) for --scope. */
  claimsChallenge?: string;
}

/** `az login` arguments of the sign-ins azsess does not answer yet: such a login goes to the Azure CLI. */
const loginsNotAnswered: readonly string[] = [
  '--identity', '--service-principal', '--username', '-u', '--password', '-p', '--federated-token', '--certificate',
  '--client-id', '--object-id', '--resource-id',
];

/** `login`/`logout` command lines azsess answers; else undefined (they go to the Azure CLI). */
export function parseAzLoginArgs(args: readonly string[]): AzCommand | undefined {
  if (args[0] === 'login') {
    const global = defaultGlobalArgs();
    if (args.slice(1).some((a) => loginsNotAnswered.includes(splitArg(a).name))) return undefined;
    const login: AzLoginArgs = { useDeviceCode: false, allowNoSubscriptions: false };
    const option: Parsing['option'] = (name) => {
      switch (name) {
        case '--tenant':
        case '-t':
          return { store: (v) => (login.tenant = v) };
        case '--scope':
          return { store: (v) => (login.scope = v) };
        case '--claims-challenge':
          return { store: (v) => (login.claimsChallenge = v) };
        case '--use-device-code':
          return { store: () => (login.useDeviceCode = true), flag: true };
        case '--allow-no-subscriptions':
          return { store: () => (login.allowNoSubscriptions = true), flag: true };
        default:
          return undefined;
      }
    };
    if (!parseOptions(args.slice(1), { global, option })) return undefined;
    return { name: 'login', global, login };
  }
  if (args[0] === 'logout') {
    const global = defaultGlobalArgs();
    let username: string | undefined;
    const option: Parsing['option'] = (name) => (name === '--username' ? { store: (v) => (username = v) } : undefined);
    if (!parseOptions(args.slice(1), { global, option })) return undefined;
    return username === undefined ? { name: 'logout', global } : { name: 'logout', global, username };
  }
  return undefined;
}
