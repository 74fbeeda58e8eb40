import { chmodSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { isAzsessLink } from '../domain/az-link-text.js';
import { ConfigError } from '../domain/errors.js';
import { fileHead } from '../io/next-program.js';
import { writeFileAtomically } from '../io/atomic-write.js';
import { dirMode, makeDirs } from './home.js';

/** Owner only, and executable: the link runs azsess. */
const linkMode = 0o700;

/** Why an existing `az` is not ours to replace, or undefined when it is (or there is none). */
function notOurs(path: string): string | undefined {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return undefined;
  }
  if (stat.isSymbolicLink()) return 'is a symbolic link azsess did not make';
  if (!stat.isFile()) return 'is not a file';
  return isAzsessLink(fileHead(path)) ? undefined : 'is a file azsess did not write';
}

/**
 * Writes `text` as `<dir>/az` (atomically, mode 0700), making `dir` if it is missing, owner-only
 * when `privateDir` (the default under the home). Refuses to replace a file azsess did not write.
 */
export function writeAzLink(dir: string, text: string, privateDir: boolean): string {
  const path = join(dir, 'az');
  const refusal = notOurs(path);
  if (refusal) throw new ConfigError(`${path} ${refusal}, so azsess leaves it alone; move it away, or give another directory with --dir.`);
  try {
    makeDirs(dir);
    if (privateDir) chmodSync(dir, dirMode);
    writeFileAtomically(path, text, linkMode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(`Could not write ${path} (${code}); give a directory you own with --dir.`, { cause: err });
  }
  return path;
}
