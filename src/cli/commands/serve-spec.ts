import { isIP } from 'node:net';
import { UsageError } from '../../domain/errors.js';
import { defaultRedirectUri } from '../../domain/session.js';
import { defaultsOf, longFlag, type CommandSpec, type OptionSpec, type OptionsOf } from '../option-spec.js';
import {
  appCredentialOptions,
  caeOption,
  claimsOption,
  clearCacheOption,
  commonOptions,
  domainHintOption,
  identityOptions,
  loginHintOption,
  noBrowserOption,
  promptFormatOption,
  redirectUriOption,
  timeoutOption,
  tokenScopeOption,
} from '../shared-options.js';

/** `--port`: 0 (the default) takes a free one. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port > 65535) throw new UsageError(`--port '${value}' is not valid; give a port number from 0 to 65535 (0: any free one).`);
  return port;
}

/** `--bind`: an IP address of this machine (`localhost` is 127.0.0.1): no name lookups decide who can reach it. */
export function parseBindAddress(value: string): string {
  const address = value === 'localhost' ? '127.0.0.1' : value.replace(/^\[(.*)\]$/, '$1');
  if (isIP(address) === 0) throw new UsageError(`--bind '${value}' is not an IP address; give one such as 127.0.0.1 or the docker bridge's 172.17.0.1.`);
  return address;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * A flag of `token` and `login` that means nothing to a server, which serves whatever resource an
 * SDK names and never signs in: hidden, and refused when given (refuseSignInFlags).
 */
const signInOnly = <O extends OptionSpec>(option: O) => ({ ...option, hidden: true as const });

// Without its default: a value is there only when the command line gave one, which is refused.
const { default: _text, ...promptFormatFlag } = promptFormatOption;

/** `azsess serve`, as data (cli/option-spec.ts): the sign-in options, as a server takes them. */
export const serveSpec = {
  name: 'serve',
  description: 'serve tokens to Azure SDKs (DefaultAzureCredential, ManagedIdentityCredential) over the managed-identity protocol, until Ctrl-C',
  options: [
    { flags: '--port <port>', key: 'port', help: 'port to listen on (default: any free one)', parse: parsePort },
    { flags: '--bind <address>', key: 'bind', help: 'address to listen on; anything but loopback lets others reach it (default 127.0.0.1)', parse: parseBindAddress },
    { flags: '--allow-resource <resource>', key: 'allowResource', help: 'hand out tokens for this resource only (repeatable; default: any)', parse: collect },
    { flags: '--write-env <path>', key: 'writeEnv', help: 'also write the two IDENTITY_ lines to this file, owner-only (for docker run --env-file)' },
    signInOnly(tokenScopeOption),
    ...identityOptions,
    timeoutOption('bound on the network and lock work of each request (default: AZSESS_TIMEOUT, else 60)'),
    signInOnly(clearCacheOption),
    redirectUriOption(`auth-code: the redirect URI of the session to serve, as given to azsess login (default ${defaultRedirectUri})`),
    signInOnly(noBrowserOption),
    signInOnly(loginHintOption),
    signInOnly(domainHintOption),
    signInOnly(promptFormatFlag),
    signInOnly(claimsOption),
    caeOption,
    ...appCredentialOptions,
    ...commonOptions,
  ],
  examples: [
    'azsess serve --write-env ~/.azsess-serve.env &   # then: set -a; . ~/.azsess-serve.env; set +a; python3 app.py',
    'azsess serve --bind 172.17.0.1 --write-env id.env --allow-resource https://storage.azure.com &   # docker run --env-file id.env ...',
    'kill %1   # stops it: the listener closes, exit 0 (docs/serve.md)',
  ],
} as const satisfies CommandSpec;

export type ServeOptions = OptionsOf<typeof serveSpec>;

/** One sentence for every sign-in flag given on the command line: its value is not its default. */
export function refuseSignInFlags(opts: ServeOptions): void {
  const values: Readonly<Record<string, unknown>> = opts;
  const defaults = defaultsOf(serveSpec.options);
  const given = serveSpec.options.filter((o: OptionSpec) => o.hidden && values[o.key] !== defaults[o.key]).map(longFlag);
  if (given.length === 0) return;
  throw new UsageError(
    `${given.join(' and ')} ${given.length > 1 ? 'do' : 'does'} not apply to azsess serve: each SDK request names its resource, and serve never signs in; --allow-resource limits the resources.`,
  );
}
