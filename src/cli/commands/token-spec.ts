import type { CommandSpec, OptionsOf } from '../option-spec.js';
import { parseMinValidity, parseOffset, parseResource } from '../option-parsers.js';
import { commonOptions, credentialOptions, signInOptions } from '../shared-options.js';
import { aksServerId } from '../token-lookup.js';

/** `azsess token`, as data: commander's command and the fast path (cli/fast-argv.ts) both read it. */
export const tokenSpec = {
  name: 'token',
  description: 'print an access token on stdout: from the cache, else refreshed, else after a sign-in',
  options: [
    { flags: '--resource <resource>', key: 'resource', help: 'resource to get a token for, e.g. https://storage.azure.com/ (instead of --scope)', parse: parseResource },
    { flags: '--offset <seconds>', key: 'offset', help: 'the token must stay valid this long (default: random 300-600)', parse: parseOffset },
    { flags: '--min-validity <seconds>', key: 'minValidity', help: 'alias of --offset', parse: parseMinValidity },
    {
      flags: '--output <format>',
      key: 'output',
      help: 'raw (the token), json (as az account get-access-token), exec-credential (kubectl)',
      choices: ['raw', 'json', 'exec-credential'],
      default: 'raw',
    },
    { flags: '--interactive', key: 'interactive', help: 'allow a sign-in even when stderr is not a terminal' },
    { flags: '--no-interactive', key: 'interactive', help: 'never ask a person to sign in: exit 3 instead' },
    { flags: '--server-id <id>', key: 'serverId', help: `AKS server application id for --output exec-credential (default ${aksServerId})` },
    ...signInOptions,
    ...credentialOptions,
    ...commonOptions,
  ],
  examples: [
    'export TOKEN=$(azsess token --scope https://storage.azure.com/.default)',
    'azsess token --protocol client-credentials --tenant contoso.onmicrosoft.com --client-id $APP --resource https://vault.azure.net',
    'azsess token --protocol vm --output json',
    'azsess token --output exec-credential   # as a kubectl exec plugin',
    'export TOKEN=$(azsess token --protocol federated --resource https://vault.azure.net)   # in CI, no secret',
  ],
} as const satisfies CommandSpec;

export type TokenOptions = OptionsOf<typeof tokenSpec>;
