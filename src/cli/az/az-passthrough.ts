import { basename, dirname } from 'node:path';
import { isAzsessLink } from '../../domain/az-link-text.js';
import { fileHead, nextOnPath, realPathOf } from '../../io/next-program.js';
import type { CliContext } from '../context.js';

/**
 * What the az entry does not answer runs the Azure CLI: the next `az` on PATH after the link's
 * directory (never a link azsess wrote, so two links cannot call each other), with the same
 * arguments, standard streams and environment, and its exit code.
 */

/** The directory of the `az` link that started this run, if one did. */
function linkDir(ctx: CliContext): string | undefined {
  const script = ctx.argv[1];
  return script && basename(script) === 'az' ? dirname(realPathOf(script)) : undefined;
}

export function findAzureCli(ctx: CliContext): string | undefined {
  return nextOnPath('az', ctx.env.PATH, linkDir(ctx), (file) => isAzsessLink(fileHead(file)));
}

/** The sentence for a command only the Azure CLI answers, when there is none. */
export function noAzureCli(args: readonly string[], ctx: CliContext): string {
  const dir = linkDir(ctx);
  // Only the command's leading words, never what follows an option: that may be a secret (az --password X).
  const words: string[] = [];
  for (const arg of args) {
    if (words.length === 2 || !/^[a-z][a-z0-9-]{0,39}$/.test(arg)) break;
    words.push(arg);
  }
  const what = words.length > 0 ? `'az ${words.join(' ')}'` : args.length > 0 ? 'that az command' : 'az without a command';
  return (
    `ERROR: azsess answers the Azure CLI's sign-in, account and token commands (az login, az account get-access-token, az version), ` +
    `and ${what} needs the Azure CLI itself: install it and keep it on PATH${dir ? ` after ${dir}` : ''}.\n`
  );
}

/** Runs the Azure CLI with `args` and resolves with its exit code (128 + the signal's number when a signal ended it). */
export async function runAzureCli(file: string, args: readonly string[], ctx: CliContext): Promise<number> {
  const { spawn } = await import('node:child_process');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
  const child = spawn(file, [...args], { stdio: 'inherit', env });
  // A signal sent to this process alone (a CI runner's timeout) reaches the Azure CLI too; Ctrl-C
  // reaches both from the terminal, so this process only waits for the Azure CLI to end.
  const forward = (signal: NodeJS.Signals) => {
    if (signal !== 'SIGINT') child.kill(signal);
  };
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];
  for (const s of signals) process.on(s, forward);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => {
        const number = signal ? process.getBuiltinModule('node:os').constants.signals[signal] : undefined;
        resolve(code ?? 128 + (number ?? 0));
      });
    });
  } finally {
    for (const s of signals) process.off(s, forward);
  }
}
