import { parseAzArgs, type AzCommand } from '../../az/az-args.js';
import { renderAzResult, type AzValue } from '../../az/az-output.js';
import { versionResult } from '../../az/az-version.js';
import type { CliContext } from '../context.js';
import { azAccessToken } from './az-access-token.js';
import { azFailure } from './az-failure.js';
import { findAzureCli, noAzureCli, runAzureCli } from './az-passthrough.js';

/**
 * `azsess az ARGS...`, and the `az` that `azsess setup az` writes: the Azure CLI's token, account,
 * login and version commands answered by azsess (docs/az.md), everything else handed to the Azure CLI.
 * Returns the exit code. A cache hit loads this layer and the core, not commander.
 */
export async function runAz(args: readonly string[], ctx: CliContext): Promise<number> {
  let command: AzCommand | undefined;
  try {
    command = args[0] === 'login' || args[0] === 'logout' ? (await import('../../az/az-login-args.js')).parseAzLoginArgs(args) : parseAzArgs(args);
  } catch (err) {
    return fail(err, ctx, false);
  }
  if (!command) {
    const azureCli = findAzureCli(ctx);
    if (azureCli) return runAzureCli(azureCli, args, ctx);
    ctx.stderr.write(noAzureCli(args, ctx));
    return 2;
  }
  // Nothing on stderr when it succeeds (Java's SDK reads stderr with stdout): what azsess would
  // say there waits, and is said only with a failure, or at once to a terminal or with --debug.
  // A warning the login must give even when it succeeds (a secret on the command line).
  if (command.name === 'login') for (const w of command.login.warnings) ctx.stderr.write(`${w}\n`);
  const held = command.global.verbose ? undefined : holdStderr(ctx);
  try {
    const result = await answer(command, held?.ctx ?? ctx);
    ctx.stdout.write(await renderAzResult(result, command.global));
    return 0;
  } catch (err) {
    if (held) ctx.stderr.write(held.text());
    return fail(err, ctx, command.global.verbose);
  }
}

async function answer(command: AzCommand, ctx: CliContext): Promise<AzValue> {
  if (command.name === 'version') {
    // Lazily: version.ts lives in the refresh layer (the User-Agent), which a token's cache hit never loads.
    const { version } = await import('../../domain/version.js');
    return versionResult(version);
  }
  if (command.name === 'account get-access-token') return azAccessToken(command.token, command.global, ctx);
  // The account commands, login and logout read the subscription list: a layer a token's cache hit never loads.
  return (await import('./az-account-commands.js')).answerAccountCommand(command, ctx);
}

function fail(err: unknown, ctx: CliContext, verbose: boolean): number {
  const failure = azFailure(err, verbose);
  ctx.stderr.write(failure.stderr);
  return failure.code;
}

/**
 * A context whose stderr collects what is written to it, unless stderr is a terminal (a person
 * signing in must see the prompt): asked at the first write, since asking opens Node's stderr
 * stream, which a cache hit never needs.
 */
function holdStderr(ctx: CliContext): { ctx: CliContext; text: () => string } {
  let text = '';
  let toTerminal: boolean | undefined;
  const stderr = {
    write: (chunk: string | Uint8Array) => {
      toTerminal ??= ctx.stderrIsTTY;
      if (toTerminal) return ctx.stderr.write(chunk);
      text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return true;
    },
  };
  return { ctx: Object.create(ctx, { stderr: { value: stderr } }) as CliContext, text: () => text };
}
