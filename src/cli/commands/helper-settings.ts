import { resolve } from 'node:path';
import { accountValue, authorityFromFlag, checkAuthorityFlags } from '../../core/settings.js';
import { shortProtocolName } from '../../domain/protocol-names.js';
import type { OptionValues } from '../option-spec.js';
import type { CommonOptions } from '../runtime.js';
import type { helperSettingOptions } from '../shared-options.js';

/** The settings a credential helper's command line may fix (else environment, manifest, default). */
export type HelperSettingOptions = OptionValues<typeof helperSettingOptions> & CommonOptions;

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
