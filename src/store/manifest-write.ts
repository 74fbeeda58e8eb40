import type { Log } from '../core/log.js';
import { manifestPath } from './home.js';
import { updateLockedFile } from './locked-file.js';
import { emptyManifest, formatManifest, readManifest, type Manifest } from './manifest.js';

/**
 * Changes the manifest under its lock: `change` gets the current one (an empty one with `reset`,
 * which also skips reading a broken file) and returns the new one. Only commands a user runs to
 * change the manifest call this.
 */
export async function updateManifest(
  home: string,
  change: (current: Manifest) => Manifest,
  options: { deadline: number; log: Log; reset?: boolean; staleLockMs?: number },
): Promise<Manifest> {
  return updateLockedFile(
    home,
    manifestPath(home),
    'the manifest',
    { read: () => (options.reset ? emptyManifest() : (readManifest(home) ?? emptyManifest())), change, format: formatManifest },
    options,
  );
}
