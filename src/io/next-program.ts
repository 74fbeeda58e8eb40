import { accessSync, closeSync, constants, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** A path with its links resolved, or as given when it does not exist. */
export function realPathOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** The first bytes of a file as text (enough for a script's first lines), or '' if it cannot be read. */
export function fileHead(path: string, bytes = 512): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(bytes);
    const read = readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, read).toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The `name` on a PATH-style list that comes after directory `after` (all of the list when it is
 * not on it), skipping files `skip` refuses: the program a wrapper in `after` stands in front of.
 */
export function nextOnPath(name: string, pathList: string | undefined, after: string | undefined, skip: (file: string) => boolean): string | undefined {
  const dirs = (pathList ?? '').split(delimiter).filter((d) => d !== '' && isAbsolute(d));
  const own = after === undefined ? -1 : dirs.findIndex((d) => realPathOf(d) === realPathOf(after));
  for (const dir of dirs.slice(own + 1)) {
    const candidate = join(dir, name);
    if (isExecutableFile(candidate) && !skip(candidate)) return candidate;
  }
  return undefined;
}
