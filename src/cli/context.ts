import { writeSync } from 'node:fs';
import type { Colours } from './render.js';

/** What commands may touch of the outside world; tests build their own. */
export interface CliContext {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** The real process's stdin descriptor, for reads that need no stream (tests leave it unset). */
  stdinFd?: number;
  stdout: Pick<NodeJS.WritableStream, 'write'>;
  stderr: NodeJS.WritableStream;
  stderrIsTTY: boolean;
  /** The width of the terminal stderr writes to, when it is one (a countdown must fit on one line). */
  readonly stderrColumns?: number | undefined;
  homedir: string;
  platform: NodeJS.Platform;
  now: () => Date;
  /** Chosen once per run (cli/render.ts); absent means none. */
  colours?: Colours;
}

/**
 * stdout as a plain file descriptor: the product is one small write, and Node's stream for a pipe
 * costs start-up time. A closed reader (`azsess token | head -c 8`) is not an error.
 */
const stdoutWriter: Pick<NodeJS.WritableStream, 'write'> = {
  write(chunk: string | Uint8Array): boolean {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let written = 0;
    try {
      while (written < data.length) written += writeSync(1, data, written);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // A non-blocking pipe that is full: let Node's stream finish the job.
      if (code === 'EAGAIN') return process.stdout.write(data.subarray(written));
      if (code !== 'EPIPE') throw err;
    }
    return true;
  },
};

/**
 * os.homedir(), without loading node:os on the cache hit (a quarter of a millisecond): on POSIX,
 * libuv answers $HOME whenever it is set, even empty, and only otherwise asks the password database.
 */
function homeDirectory(): string {
  const home = process.platform === 'win32' ? undefined : process.env.HOME;
  return home ?? process.getBuiltinModule('node:os').homedir();
}

/** The real process. stdin and stderr are opened only when used: the cache hit uses neither. */
export function processContext(): CliContext {
  return {
    argv: process.argv,
    env: process.env,
    get stdin() {
      return process.stdin;
    },
    stdinFd: 0,
    stdout: stdoutWriter,
    get stderr() {
      return process.stderr;
    },
    get stderrIsTTY() {
      return process.stderr.isTTY === true;
    },
    get stderrColumns() {
      return process.stderr.columns;
    },
    homedir: homeDirectory(),
    platform: process.platform,
    now: () => new Date(),
  };
}
