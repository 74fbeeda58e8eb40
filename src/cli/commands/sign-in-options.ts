import type { OptionValues } from '../option-spec.js';
import type { CommonOptions } from '../runtime.js';
import type { signInOptions } from '../shared-options.js';

/**
 * Options shared by `token`, `login` and `serve` (cli/shared-options.ts). `timeout` absent:
 * AZSESS_TIMEOUT, else 60 (cli/runtime.ts); `browser` false with --no-browser.
 */
export type SignInOptions = OptionValues<typeof signInOptions> & CommonOptions;
