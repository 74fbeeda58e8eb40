import { isAbsolute, resolve } from 'node:path';
import { findOnPath, sameFile } from '../io/find-program.js';
import type { CliContext } from './context.js';

/**
 * How git and kubectl should run this azsess: `azsess` when that name on PATH is this program
 * (so upgrades keep working), else the absolute path of the running script.
 */
export function selfCommand(ctx: CliContext): string {
  const script = ctx.argv[1] ?? 'azsess';
  const absolute = isAbsolute(script) ? script : resolve(script);
  const onPath = findOnPath('azsess', ctx.env.PATH);
  return onPath && sameFile(onPath, absolute) ? 'azsess' : absolute;
}
