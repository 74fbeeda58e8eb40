import { ConfigError } from '../domain/errors.js';
import { runProgram, type ProgramResult } from '../io/run-program.js';
import type { CliContext } from './context.js';

/**
 * Runs git or kubectl for a setup step. A missing program or an unexpected exit code is a
 * configuration error that quotes the tool's own first line of complaint.
 */
export async function runTool(
  tool: 'git' | 'kubectl',
  args: readonly string[],
  ctx: CliContext,
  okCodes: readonly number[] = [0],
): Promise<ProgramResult> {
  let result: ProgramResult;
  try {
    result = await runProgram(tool, args, { env: ctx.env });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ConfigError(`Could not run ${tool}: it is not installed or not on PATH; install it, then run this again.`, { cause: err });
    }
    throw err;
  }
  if (result.code === null || !okCodes.includes(result.code)) {
    const said = result.stderr.split('\n').find((line) => line.trim() !== '')?.trim().replace(/^(fatal|error):\s*/i, '') ?? `exit code ${result.code}`;
    throw new ConfigError(`'${tool} ${args.slice(0, 2).join(' ')}' failed: ${said.replace(/[.\s]+$/, '')}; fix that, then run this again.`);
  }
  return result;
}
