import type { Manifest } from './manifest.js';
import { ensureHomeKey } from './keychain.js';
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
  return withSessionsLock(home, options, async (tx) => {
    // Made (or found) before anything is sealed: an unusable keychain changes nothing.
    if (target === 'keychain') ensureHomeKey(home);
    await tx.update(() => {}, target);
    return writeManifest();
  });
}
