import { Chalk, type ChalkInstance } from 'chalk';
import type { Log } from '../core/log.js';
import { redact } from '../core/redact.js';
import type { CliContext } from './context.js';

/** Colour only for a person: stderr is a terminal and NO_COLOR is unset (no-color.org). */
export function stderrColours(ctx: CliContext): ChalkInstance {
  const noColour = ctx.env.NO_COLOR !== undefined && ctx.env.NO_COLOR !== '';
  return new Chalk({ level: ctx.stderrIsTTY && !noColour ? 1 : 0 });
}

export interface CliLog extends Log {
  error(message: string): void;
  readonly colours: ChalkInstance;
  readonly isVerbose: boolean;
}

/**
 * The stderr voice of azsess. Every line is redacted, and a warning is said once per run however
 * many places notice it.
 */
export function createLog(ctx: CliContext, verbose: boolean, program = 'azsess'): CliLog {
  const colours = stderrColours(ctx);
  const warned = new Set<string>();
  const write = (line: string) => ctx.stderr.write(`${redact(line)}\n`);
  return {
    colours,
    isVerbose: verbose,
    info: (message) => write(message),
    warn: (message) => {
      if (warned.has(message)) return;
      warned.add(message);
      write(`${program}: ${colours.yellow('warning:')} ${message}`);
    },
    verbose: (message) => {
      if (verbose) write(colours.dim(`${program}: ${message}`));
    },
    error: (message) => write(`${program}: ${colours.red('error:')} ${message}`),
  };
}
