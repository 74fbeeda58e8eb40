/** Helper protocols send their request on stdin; these read it without waiting past its end. */

const maxInputBytes = 64 * 1024;

/** Everything up to the end of stdin (docker closes it after the request). */
export function readAll(stdin: NodeJS.ReadableStream): Promise<string> {
  return readUntil(stdin, () => false);
}

/** Up to the first blank line or the end, whichever comes first (git-credential(1)). */
export function readUntilBlankLine(stdin: NodeJS.ReadableStream): Promise<string> {
  return readUntil(stdin, (text) => /(^|\n)\r?\n/.test(text));
}

function readUntil(stdin: NodeJS.ReadableStream, done: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
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
