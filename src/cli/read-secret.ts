import { rememberSecret } from '../domain/redact.js';
import type { CliContext } from './context.js';

/**
 * One line of stdin, without its line ending. On a terminal it asks on stderr and does not echo
 * what is typed; from a pipe it reads the first line and ignores the rest.
 */
export async function readSecretLine(ctx: CliContext, prompt: string): Promise<string> {
  const stdin = ctx.stdin as NodeJS.ReadStream;
  const tty = stdin.isTTY === true && typeof stdin.setRawMode === 'function';
  if (tty) {
    ctx.stderr.write(prompt);
    stdin.setRawMode(true);
  }
  try {
    const secret = await readLine(stdin, tty);
    rememberSecret(secret);
    return secret;
  } finally {
    if (tty) {
      stdin.setRawMode(false);
      ctx.stderr.write('\n');
    }
  }
}

function readLine(stdin: NodeJS.ReadStream, tty: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (value: string) => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.off('error', reject);
      stdin.pause();
      resolve(value.replace(/\r$/, ''));
    };
    const onData = (chunk: Buffer | string) => {
      const part = chunk.toString();
      // Ctrl-C in raw mode arrives as a byte, not a signal.
      if (tty && part.includes('\u0003')) {
        process.kill(process.pid, 'SIGINT');
        return;
      }
      text += part;
      const end = text.search(/[\r\n]/);
      if (end >= 0) finish(text.slice(0, end));
    };
    const onEnd = () => finish(text);
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.on('error', reject);
    stdin.resume();
  });
}
