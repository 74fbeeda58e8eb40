import { ConfigError } from '../domain/errors.js';
import { writeFileAtomically } from './atomic-write.js';

/** Writes a file only its owner may read (it holds a secret), atomically; a failure is a sentence. */
export function writePrivateFile(path: string, text: string, what: string): void {
  try {
    writeFileAtomically(path, text, 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'its directory does not exist' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? 'it failed');
    throw new ConfigError(`Could not write ${what} ${path} (${why}); give a path in a directory you own.`, { cause: err });
  }
}
