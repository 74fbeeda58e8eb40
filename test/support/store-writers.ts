import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { distTest } from './paths.js';

/** store-writer.js processes (see there) as the store tests drive them. */
const writerScript = join(distTest, 'support', 'store-writer.js');

export interface StoreWriter {
  child: ChildProcess;
  /** Resources it reported committed so far. */
  committed: string[];
  /** The first of `lines` ("step <name>", "paused <name>") that it prints from now on. */
  first(...lines: string[]): Promise<string>;
  /** What the first "paused <what>" line names (the temp file of a write paused before its rename). */
  paused: Promise<string>;
  /** Lets a writer paused at `step` go on. */
  go(step: string): void;
  done: Promise<number | null>;
  stderr(): string;
}

export interface WriterOptions {
  staleMs?: number;
  /** Steps of the lock protocol to hold it at (AZSESS_TEST_PAUSE). */
  pause?: string[];
  /** Stop the n-th write before its rename (to be killed there), or, with `resumeFile`, while it syncs. */
  pauseAtWrite?: number;
  /** With `pauseAtWrite`: go on once this file exists (a holder stalled past the stale time). */
  resumeFile?: string;
}

export function startStoreWriter(home: string, id: string, count: number, options: WriterOptions = {}): StoreWriter {
  const args = [
    writerScript, home, id, String(count), String(options.staleMs ?? 0), String(options.pauseAtWrite ?? 0),
    ...(options.resumeFile ? [options.resumeFile] : []),
  ];
  const pause = options.pause ?? [];
  const child = spawn(process.execPath, args, {
    stdio: [pause.length > 0 ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    env: { ...process.env, AZSESS_TEST_PAUSE: pause.join(',') },
  });
  const committed: string[] = [];
  let onPause: (what: string) => void = () => undefined;
  const paused = new Promise<string>((resolve) => (onPause = resolve));
  const waiting: { lines: string[]; resolve: (line: string) => void }[] = [];
  let stderr = '';
  let buffer = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buffer += d;
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('committed ')) committed.push(line.slice('committed '.length));
      if (line.startsWith('paused ')) onPause(line.slice('paused '.length));
      for (const w of waiting.splice(0)) {
        if (w.lines.includes(line)) w.resolve(line);
        else waiting.push(w);
      }
    }
  });
  const done = once(child, 'close').then(([code]) => code as number | null);
  return {
    child,
    committed,
    first: (...lines) =>
      new Promise<string>((resolve, reject) => {
        waiting.push({ lines, resolve });
        void done.then((code) => reject(new Error(`writer ${id} ended (${code}) before ${lines.join(' | ')}: ${stderr}`)));
      }),
    paused,
    go: (step) => child.stdin?.write(`go ${step}\n`),
    done,
    stderr: () => stderr,
  };
}
