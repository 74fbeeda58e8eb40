import { resolve } from 'node:path';
import { accountValue, authorityFromFlag, checkAuthorityFlags } from '../../core/settings.js';
import { shortProtocolName, type ProtocolName } from '../../domain/protocol-names.js';
import { longFlag, type OptionValues } from '../option-spec.js';
import type { CommonOptions } from '../runtime.js';
import { helperSettingOptions } from '../shared-options.js';

/** The settings a credential helper's command line may fix (else environment, manifest, default). */
export type HelperSettingOptions = OptionValues<typeof helperSettingOptions> & CommonOptions;

/** Values written as the helper reads them best: a protocol by its short name, a login host and an account checked. */
const written: Readonly<Record<string, (value: string) => string>> = {
  protocol: (value) => shortProtocolName(value as ProtocolName),
  authorityHost: authorityFromFlag,
  account: (value) => accountValue(value, '--account'),
};

/**
 * The same settings as arguments, for the helper command `setup` writes into another tool's
 * config: every option of helperSettingOptions, so one added there is passed on too.
 */
export function helperSettingArgs(opts: HelperSettingOptions): string[] {
  checkAuthorityFlags(opts);
  const args: string[] = [];
  // git and kubectl run the helper from their own working directory: a relative home would move.
  if (opts.home) args.push('--home', resolve(opts.home));
  const given = opts as Readonly<Record<string, string | undefined>>;
  for (const option of helperSettingOptions) {
    const value = given[option.key];
    if (value !== undefined) args.push(longFlag(option), written[option.key]?.(value) ?? value);
  }
  return args;
}
