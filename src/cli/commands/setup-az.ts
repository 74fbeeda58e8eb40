import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { azLinkText } from '../../az/az-link-script.js';
import { realPathOf } from '../../io/next-program.js';
import { writeAzLink } from '../../store/az-link.js';
import { commandFrom } from '../command-builder.js';
import type { CliContext } from '../context.js';
import type { CommandSpec, OptionsOf } from '../option-spec.js';
import { startRuntime } from '../runtime.js';
import { commonOptions } from '../shared-options.js';

/** `azsess setup az`, as data (cli/option-spec.ts). */
export const setupAzSpec = {
  name: 'az',
  description: "make the tools that run the Azure CLI (the SDKs' AzureCliCredential, Terraform, kubelogin) get azsess's tokens: writes an az in DIR",
  options: [{ flags: '--dir <dir>', key: 'dir', help: 'the directory of the az it writes (default: <home>/bin); put it first on PATH' }, ...commonOptions],
  examples: ['azsess setup az && export PATH="$HOME/.azsessions/bin:$PATH"', 'azsess setup az --dir ~/bin'],
} as const satisfies CommandSpec;

export type SetupAzOptions = OptionsOf<typeof setupAzSpec>;

export function setupAzCommand(ctx: CliContext): Command {
  return commandFrom(setupAzSpec, runSetupAz, ctx);
}

/** How to put `dir` first on PATH: for this shell, for a CI step, for good. */
function pathAdvice(dir: string): string {
  const quoted = `"${dir.replace(/(["\\$`])/g, '\\$1')}"`;
  return [
    `Put ${dir} first on PATH, before any Azure CLI:`,
    `  this shell:  export PATH=${quoted}:"$PATH"`,
    `  a CI step:   echo ${quoted} >> "$GITHUB_PATH"   (Azure Pipelines: echo "##vso[task.prependpath]${dir}")`,
    `  for good:    add the export line to ~/.profile (or ~/.bashrc, ~/.zshrc)`,
  ].join('\n');
}

export async function runSetupAz(opts: SetupAzOptions, ctx: CliContext): Promise<void> {
  const rt = await startRuntime(ctx, opts);
  const dir = opts.dir !== undefined ? resolve(opts.dir) : join(rt.home.value, 'bin');
  const text = azLinkText({
    node: process.execPath,
    script: realPathOf(ctx.argv[1] ?? 'azsess'),
    ...(opts.home !== undefined ? { home: rt.home.value } : {}),
  });
  const path = writeAzLink(dir, text, opts.dir === undefined);
  rt.log.info(`Wrote ${path}: tools that run az get azsess's tokens from it, and what azsess does not answer goes to the next az on PATH.\n${pathAdvice(dir)}`);
}
