import { homedir } from 'node:os';

/** What commands may touch of the outside world; tests build their own. */
export interface CliContext {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stderrIsTTY: boolean;
  homedir: string;
  platform: NodeJS.Platform;
  now: () => Date;
}

export function processContext(): CliContext {
  return {
    argv: process.argv,
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    stderrIsTTY: process.stderr.isTTY === true,
    homedir: homedir(),
    platform: process.platform,
    now: () => new Date(),
  };
}
