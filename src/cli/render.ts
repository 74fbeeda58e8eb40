import type { Log } from '../domain/log.js';
import { redact } from '../domain/redact.js';
import type { CliContext } from './context.js';

/** The few styles azsess uses on stderr. */
export interface Colours {
  yellow(s: string): string;
  red(s: string): string;
  dim(s: string): string;
  cyan(s: string): string;
  bold(s: string): string;
  underline(s: string): string;
}

const plain = (s: string) => s;
export const noColours: Colours = { yellow: plain, red: plain, dim: plain, cyan: plain, bold: plain, underline: plain };

/** Colour only for a person: stderr is a terminal and NO_COLOR is unset (no-color.org). */
export function wantsColour(ctx: Pick<CliContext, 'env' | 'stderrIsTTY'>): boolean {
  const noColour = ctx.env.NO_COLOR !== undefined && ctx.env.NO_COLOR !== '';
  return ctx.stderrIsTTY && !noColour;
}

/** chalk, loaded only when colour is wanted: scripts and pipes never pay for it. */
export async function coloursFor(ctx: Pick<CliContext, 'env' | 'stderrIsTTY'>): Promise<Colours> {
  if (!wantsColour(ctx)) return noColours;
  const { Chalk } = await import('chalk');
  const chalk = new Chalk({ level: 1 });
  return { yellow: chalk.yellow, red: chalk.red, dim: chalk.dim, cyan: chalk.cyan, bold: chalk.bold, underline: chalk.underline };
}

/**
 * Settles the colours of a run the first time something may be printed in colour. The cache hit
 * prints nothing on stderr and never pays for a terminal check or chalk.
 */
export async function ensureColours(ctx: CliContext): Promise<void> {
  ctx.colours ??= await coloursFor(ctx);
}

export interface CliLog extends Log {
  error(message: string): void;
  readonly colours: Colours;
  readonly isVerbose: boolean;
}

/**
 * The stderr voice of azsess. Every line is redacted, and a warning is said once per run however
 * many places notice it.
 */
export function createLog(ctx: CliContext, verbose: boolean, program = 'azsess'): CliLog {
  const warned = new Set<string>();
  const write = (line: string) => ctx.stderr.write(`${redact(line)}\n`);
  return {
    get colours() {
      return ctx.colours ?? noColours;
    },
    isVerbose: verbose,
    info: (message) => write(message),
    warn: (message) => {
      if (warned.has(message)) return;
      warned.add(message);
      write(`${program}: ${(ctx.colours ?? noColours).yellow('warning:')} ${message}`);
    },
    verbose: (message) => {
      if (verbose) write((ctx.colours ?? noColours).dim(`${program}: ${message}`));
    },
    error: (message) => write(`${program}: ${(ctx.colours ?? noColours).red('error:')} ${message}`),
  };
}
