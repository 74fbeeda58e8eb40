import { Option, type Command } from 'commander';
import type { CloudName } from '../../core/authority.js';
import type { ProtocolName } from '../../core/protocol-names.js';
import { defaultRedirectUri } from '../../core/session.js';
import { accountOption, authorityOptions, clientIdOption, parseSeconds, protocolOption, scopeOption, tenantOption } from '../options.js';
import { parseRedirectUri } from '../option-parsers.js';
import type { CommonOptions } from '../runtime.js';

/** Options shared by `token` and `login`. */
export interface SignInOptions extends CommonOptions {
  protocol?: ProtocolName;
  tenant?: string;
  clientId?: string;
  scope?: string[];
  objectId?: string;
  msiResId?: string;
  authorityHost?: string;
  cloud?: CloudName;
  /** Absent: AZSESS_TIMEOUT, else 60 (cli/runtime.ts). */
  timeout?: number;
  clearCache?: boolean;
  /** Auth code flow. */
  redirectUri?: string;
  /** false with --no-browser. */
  browser?: boolean;
  loginHint?: string;
  domainHint?: string;
  /** device-code: the prompt as text (default) or one JSON line. */
  promptFormat?: 'text' | 'json';
  /** A UPN or an object id. */
  account?: string;
}

export function addSignInOptions(cmd: Command): Command {
  cmd
    .addOption(scopeOption('scope to get a token for, e.g. https://storage.azure.com/.default (repeatable)'))
    .addOption(protocolOption())
    .addOption(tenantOption())
    .addOption(clientIdOption('application (client) id; with vm, a user-assigned identity by client id'))
    .option('--object-id <id>', 'vm: a user-assigned identity by object (principal) id')
    .option('--msi-res-id <id>', 'vm: a user-assigned identity by ARM resource id')
    .addOption(accountOption());
  for (const option of authorityOptions()) cmd.addOption(option);
  return cmd
    .addOption(
      new Option(
        '--timeout <seconds>',
        'bound on the network work of the command (default: AZSESS_TIMEOUT, else 60); when given, also on the wait for the person to sign in (else 300 s for auth-code, the life of the code for device-code)',
      ).argParser(parseSeconds('--timeout', { min: 1 })),
    )
    .option('--clear-cache', 'remove the matching stored session first')
    .addOption(
      new Option('--redirect-uri <uri>', `auth-code: loopback redirect URI to listen on; port 0 or none: any free port (default ${defaultRedirectUri})`).argParser(
        parseRedirectUri,
      ),
    )
    .option('--no-browser', 'auth-code: print the sign-in URL instead of opening a browser')
    .option('--login-hint <upn>', 'auth-code: the account to sign in, e.g. alice@contoso.com')
    .option('--domain-hint <domain>', 'auth-code: skip home realm discovery, e.g. contoso.com or consumers')
    .addOption(
      new Option('--prompt-format <format>', 'device-code: the sign-in prompt on stderr as text for people, or one JSON line for programs (verification_uri, user_code, expires_on)')
        .choices(['text', 'json'])
        .default('text'),
    );
}
