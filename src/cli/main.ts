import { asSentence, AzsessError, ExitCode } from '../domain/errors.js';
import { redact } from '../domain/redact.js';
import { processContext, type CliContext } from './context.js';
import { parseFastGitCredentialArgs, parseFastTokenArgs } from './fast-argv.js';
import { createLog, ensureColours } from './render.js';

/**
 * Runs azsess and returns its exit code. The single place where errors become exit codes and a
 * sentence on stderr (docs/exit-codes.md).
 *
 * `azsess token` and `azsess git-credential` skip commander: other programs run them many times a
 * minute, so they load only what answers them. Both parsers read one spec per command
 * (cli/option-spec.ts); `fastPath: false` sends every command line to commander, for the test
 * that runs both and compares them.
 */
export async function main(base: CliContext, { fastPath = true } = {}): Promise<number> {
  const verbose = base.argv.includes('--verbose') || base.argv.includes('-v');
  const ctx = base;
  try {
    // The Azure CLI's entry (`azsess az`, and the az of `azsess setup az`) says its own failures, as az does.
    if (ctx.argv[2] === 'az') {
      const { runAz } = await import('./az/az-main.js');
      return await runAz(ctx.argv.slice(3), ctx);
    }
    const fast = fastPath ? parseFastTokenArgs(ctx.argv.slice(2)) : undefined;
    const git = fast || !fastPath ? undefined : parseFastGitCredentialArgs(ctx.argv.slice(2));
    if (fast) {
      const { runToken } = await import('./commands/token-run.js');
      await runToken(fast, ctx);
    } else if (git) {
      const { runGitCredential } = await import('./commands/git-credential-run.js');
      await runGitCredential(git, ctx);
    } else {
      await ensureColours(ctx);
      const { buildProgram } = await import('./program.js');
      await buildProgram(ctx).parseAsync(ctx.argv as string[], { from: 'node' });
    }
    return ExitCode.ok;
  } catch (err) {
    await ensureColours(ctx);
    return exitCodeFor(err, ctx, verbose);
  }
}

export function exitCodeFor(err: unknown, ctx: CliContext, verbose: boolean): number {
  const log = createLog(ctx, verbose);
  if (isCommanderExit(err)) return err.exitCode; // help and --version
  if (err instanceof AzsessError) {
    log.error(asSentence(err.message));
    if (verbose && err.cause instanceof Error && !err.message.includes(err.cause.message)) log.verbose(`cause: ${err.cause.message}`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  log.error(`unexpected failure: ${message}; run again with --verbose and report it with that output.`);
  if (verbose && err instanceof Error && err.stack) log.verbose(redact(err.stack));
  return ExitCode.unexpected;
}

/** commander's own exits (help, --version); checked by shape so commander loads only when used. */
function isCommanderExit(err: unknown): err is { exitCode: number } {
  const e = err as { code?: unknown; exitCode?: unknown } | null;
  return typeof e?.code === 'string' && e.code.startsWith('commander.') && typeof e.exitCode === 'number';
}

/** Entry point of bin/azsess.js. */
export async function run(): Promise<void> {
  process.exitCode = await main(processContext());
}
