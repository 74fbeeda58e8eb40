import { Command, Option } from 'commander';
import type { CliContext } from '../context.js';
import { addCommonOptions, examples, parseSeconds } from '../options.js';
import { parseResource } from '../option-parsers.js';
import { aksServerId } from '../token-lookup.js';
import { addCredentialOptions } from './credential-options.js';
import { addSignInOptions } from './sign-in-options.js';
import { runToken } from './token-run.js';

export function tokenCommand(ctx: CliContext): Command {
  const cmd = new Command('token')
    .description('print an access token on stdout: from the cache, else refreshed, else after a sign-in')
    .option('--resource <resource>', 'resource to get a token for, e.g. https://storage.azure.com/ (instead of --scope)', parseResource)
    .option('--offset <seconds>', 'the token must stay valid this long (default: random 300-600)', parseSeconds('--offset'))
    .option('--min-validity <seconds>', 'alias of --offset', parseSeconds('--min-validity'))
    .addOption(
      new Option('--output <format>', 'raw (the token), json (as az account get-access-token), exec-credential (kubectl)')
        .choices(['raw', 'json', 'exec-credential'])
        .default('raw'),
    )
    .option('--interactive', 'allow a sign-in even when stderr is not a terminal')
    .option('--no-interactive', 'never ask a person to sign in: exit 3 instead')
    .option('--server-id <id>', `AKS server application id for --output exec-credential (default ${aksServerId})`);
  addSignInOptions(cmd);
  addCredentialOptions(cmd);
  cmd.addHelpText(
    'after',
    examples(
      'export TOKEN=$(azsess token --scope https://storage.azure.com/.default)',
      'azsess token --protocol client-credentials --tenant contoso.onmicrosoft.com --client-id $APP --resource https://vault.azure.net',
      'azsess token --protocol vm --output json',
      'azsess token --output exec-credential   # as a kubectl exec plugin',
      'export TOKEN=$(azsess token --protocol federated --resource https://vault.azure.net)   # in CI, no secret',
    ),
  );
  addCommonOptions(cmd);
  return cmd.action(async (_opts, command: Command) => runToken(command.optsWithGlobals(), ctx));
}
