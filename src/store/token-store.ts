import type { Manifest } from './manifest.js';
import { ensureHomeKey, KeychainError } from './keychain.js';
import type { TokenStore } from './sealed-secrets.js';
import type { StoreOptions } from './sessions.js';
import { withSessionsLock } from './sessions-lock.js';

/**
 * Switches a home between `file` and `keychain` (`azsess write-manifest --token-store`), under the
 * lock of sessions.json: sessions.json is rewritten in the new form first (one atomic rename, so
 * either form is whole on disk), then the manifest names the new store (`writeManifest`, which
 * seals or opens its client secret). Stopped in between, nothing is lost: a sealed sessions.json
 * stays sealed until a manifest names `file`, and a plain one is sealed by the next write.
 */
export async function switchTokenStore(
  home: string,
  target: TokenStore,
  options: StoreOptions,
  writeManifest: () => Promise<Manifest>,
): Promise<Manifest> {
  try {
    return await withSessionsLock(home, options, async (tx) => {
      // Made (or found) before anything is sealed: an unusable keychain changes nothing.
      if (target === 'keychain') ensureHomeKey(home);
      await tx.update(() => {}, target);
      return writeManifest();
    });
  } catch (err) {
    // Back to files needs the key to open what is sealed: "use --token-store file" is no way out here.
    if (target === 'file' && err instanceof KeychainError && err.problem) {
      throw new KeychainError(
        `Cannot move the secrets of the azsess home ${home} back to files: the keychain holding their key cannot be used (${err.problem}); unlock or start it and run the command again, nothing was changed.`,
        { cause: err, problem: err.problem },
      );
    }
    throw err;
  }
}
