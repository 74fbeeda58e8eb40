import { isIP } from 'node:net';
import { Command, Option } from 'commander';
import { UsageError } from '../../domain/errors.js';
import type { CliContext } from '../context.js';
import { addCommonOptions, examples } from '../options.js';
import { addCredentialOptions } from './credential-options.js';
import { addSignInOptions } from './sign-in-options.js';

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
 * Flags of `token` and `login` that mean nothing to a server, which serves whatever resource an
 * SDK names and never signs in: not offered, and refused when given.
 */
const signInOnlyFlags = ['--scope', '--clear-cache', '--claims', '--no-browser', '--login-hint', '--domain-hint', '--prompt-format'];

/** Option texts that say what a shared flag means to a server. */
const serveDescriptions: Record<string, string> = {
  '--timeout': 'bound on the network and lock work of each request (default: AZSESS_TIMEOUT, else 60)',
  '--redirect-uri': 'auth-code: the redirect URI of the session to serve, as given to azsess login (default http://localhost:44300/reply)',
};

function fitOptionsToServe(cmd: Command): void {
  for (const option of cmd.options) {
    if (!option.long) continue;
    if (signInOnlyFlags.includes(option.long)) option.hideHelp();
    option.description = serveDescriptions[option.long] ?? option.description;
  }
}

/** One sentence for every sign-in flag given on the command line. */
export function refuseSignInFlags(cmd: Command): void {
  const given = cmd.options.filter((o) => o.long && signInOnlyFlags.includes(o.long) && cmd.getOptionValueSource(o.attributeName()) === 'cli').map((o) => o.long!);
  if (given.length === 0) return;
  throw new UsageError(
    `${given.join(' and ')} ${given.length > 1 ? 'do' : 'does'} not apply to azsess serve: each SDK request names its resource, and serve never signs in; --allow-resource limits the resources.`,
  );
}

export function serveCommand(ctx: CliContext): Command {
  const cmd = new Command('serve')
    .description('serve tokens to Azure SDKs (DefaultAzureCredential, ManagedIdentityCredential) over the managed-identity protocol, until Ctrl-C')
    .addOption(new Option('--port <port>', 'port to listen on (default: any free one)').argParser(parsePort))
    .addOption(new Option('--bind <address>', 'address to listen on; anything but loopback lets others reach it (default 127.0.0.1)').argParser(parseBindAddress))
    .option('--allow-resource <resource>', 'hand out tokens for this resource only (repeatable; default: any)', collect)
    .option('--write-env <path>', 'also write the two IDENTITY_ lines to this file, owner-only (for docker run --env-file)');
  addSignInOptions(cmd);
  addCredentialOptions(cmd);
  fitOptionsToServe(cmd);
  cmd.addHelpText(
    'after',
    examples(
      'azsess serve --write-env ~/.azsess-serve.env &   # then: set -a; . ~/.azsess-serve.env; set +a; python3 app.py',
      'azsess serve --bind 172.17.0.1 --write-env id.env --allow-resource https://storage.azure.com &   # docker run --env-file id.env ...',
      'kill %1   # stops it: the listener closes, exit 0 (docs/serve.md)',
    ),
  );
  addCommonOptions(cmd);
  return cmd.action(async (_opts, command: Command) => {
    refuseSignInFlags(command);
    const { runServe } = await import('./serve-run.js');
    await runServe(command.optsWithGlobals(), ctx);
  });
}
