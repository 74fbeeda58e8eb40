import { resolve } from 'node:path';
import type { Command } from 'commander';
import { accountValue, authorityFromFlag, checkAuthorityFlags } from '../../core/settings.js';
import type { CloudName } from '../../core/authority.js';
import { shortProtocolName, type ProtocolName } from '../../core/protocol-names.js';
import { accountOption, authorityOptions, clientIdOption, protocolOption, tenantOption } from '../options.js';
import type { CommonOptions } from '../runtime.js';

/** The settings a credential helper's command line may fix (else environment, manifest, default). */
export interface HelperSettingOptions extends CommonOptions {
  protocol?: ProtocolName;
  tenant?: string;
  clientId?: string;
  authorityHost?: string;
  cloud?: CloudName;
  account?: string;
}

export function addHelperSettingOptions(cmd: Command): Command {
  cmd.addOption(protocolOption()).addOption(tenantOption()).addOption(clientIdOption()).addOption(accountOption());
  for (const option of authorityOptions()) cmd.addOption(option);
  return cmd;
}

/** The same settings as arguments, for the helper command `setup` writes into another tool's config. */
export function helperSettingArgs(opts: HelperSettingOptions): string[] {
  checkAuthorityFlags(opts);
  const args: string[] = [];
  // git and kubectl run the helper from their own working directory: a relative home would move.
  if (opts.home) args.push('--home', resolve(opts.home));
  if (opts.protocol) args.push('--protocol', shortProtocolName(opts.protocol));
  if (opts.tenant) args.push('--tenant', opts.tenant);
  if (opts.clientId) args.push('--client-id', opts.clientId);
  if (opts.authorityHost !== undefined) args.push('--authority-host', authorityFromFlag(opts.authorityHost));
  if (opts.cloud) args.push('--cloud', opts.cloud);
  if (opts.account !== undefined) args.push('--account', accountValue(opts.account, '--account'));
  return args;
}
