import { readSync } from 'node:fs';
import type { CliContext } from './context.js';

/** Helper protocols send their request on stdin; these read it without waiting past its end. */

const maxInputBytes = 64 * 1024;

/** Everything up to the end of stdin (docker closes it after the request). */
export function readAll(ctx: Pick<CliContext, 'stdin' | 'stdinFd'>): Promise<string> {
  return readUntil(ctx, () => false);
}

/** Up to the first blank line or the end, whichever comes first (git-credential(1)). */
export function readUntilBlankLine(ctx: Pick<CliContext, 'stdin' | 'stdinFd'>): Promise<string> {
  return readUntil(ctx, (text) => /(^|\n)\r?\n/.test(text));
}

async function readUntil(ctx: Pick<CliContext, 'stdin' | 'stdinFd'>, done: (text: string) => boolean): Promise<string> {
  if (ctx.stdinFd === undefined) return readStream(ctx.stdin, '', done);
  const { text, complete } = readDescriptor(ctx.stdinFd, done);
  return complete ? text : readStream(ctx.stdin, text, done);
}

/**
 * Blocking reads of the descriptor: a helper's request is a few lines its caller writes at once,
 * and opening Node's stream for a pipe costs start-up time. A non-blocking descriptor with nothing
 * to read yet (EAGAIN) hands over to the stream, with what was read so far.
 */
function readDescriptor(fd: number, done: (text: string) => boolean): { text: string; complete: boolean } {
  const chunks: Buffer[] = [];
  let size = 0;
  const buf = Buffer.alloc(4096);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') return { text: Buffer.concat(chunks).toString('utf8'), complete: false };
      if (code === 'EOF') break;
      throw err;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
    size += n;
    if (size > maxInputBytes || done(Buffer.concat(chunks).toString('utf8'))) break;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), complete: true };
}

function readStream(stdin: NodeJS.ReadableStream, start: string, done: (text: string) => boolean): Promise<string> {
  if (start.length > maxInputBytes || (start !== '' && done(start))) return Promise.resolve(start);
  return new Promise((resolve, reject) => {
    let text = start;
    const finish = () => {
      stdin.off('data', onData);
      stdin.off('end', finish);
      stdin.off('error', onError);
      stdin.pause();
      resolve(text);
    };
    const onError = (err: Error) => {
      stdin.off('data', onData);
      stdin.off('end', finish);
      reject(err);
    };
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      if (text.length > maxInputBytes || done(text)) finish();
    };
    stdin.on('data', onData);
    stdin.on('end', finish);
    stdin.on('error', onError);
    stdin.resume();
  });
}
