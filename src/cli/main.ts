import { CommanderError } from 'commander';
import { AzsessError, ExitCode } from '../core/errors.js';
import { redact } from '../core/redact.js';
import { processContext, type CliContext } from './context.js';
import { buildProgram } from './program.js';
import { createLog } from './render.js';

/**
 * Runs azsess and returns its exit code. The single place where errors become exit codes and a
 * sentence on stderr (docs/exit-codes.md).
 */
export async function main(ctx: CliContext): Promise<number> {
  const verbose = ctx.argv.includes('--verbose') || ctx.argv.includes('-v');
  try {
    await buildProgram(ctx).parseAsync(ctx.argv as string[], { from: 'node' });
    return ExitCode.ok;
  } catch (err) {
    return exitCodeFor(err, ctx, verbose);
  }
}

export function exitCodeFor(err: unknown, ctx: CliContext, verbose: boolean): number {
  const log = createLog(ctx, verbose);
  if (err instanceof CommanderError) return err.exitCode; // help and --version
  if (err instanceof AzsessError) {
    log.error(sentence(err.message));
    if (verbose && err.cause instanceof Error && !err.message.includes(err.cause.message)) log.verbose(`cause: ${err.cause.message}`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  log.error(`unexpected failure: ${message}; run again with --verbose and report it with that output.`);
  if (verbose && err instanceof Error && err.stack) log.verbose(redact(err.stack));
  return ExitCode.unexpected;
}

function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** Entry point of bin/azsess.js. */
export async function run(): Promise<void> {
  process.exitCode = await main(processContext());
}
