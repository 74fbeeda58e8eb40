import { resolve } from 'node:path';
import { ConfigError } from '../domain/errors.js';

/**
 * The data key of a `--token-store keychain` home, kept in the OS keychain (Secret Service on
 * Linux, Keychain on macOS, Credential Manager on Windows) through @napi-rs/keyring, whose
 * prebuilt binary comes with the package (no compile step). The package is required only here,
 * and only when a home chose the keychain or its files hold sealed data: a `file` home never
 * loads it. One keychain entry per home (service `azsess`, account the home's absolute path)
 * holds `v1:<key id>:<base64 key>`; the sealed data names the key id, so a key from another
 * machine or a replaced key is told apart from damaged data.
 */

/** The keychain or the sealed data cannot be used: exit 6, never a fallback to plain text. */
export class KeychainError extends ConfigError {
  /** Why the keychain cannot be used, when it is the keychain (keychainProblem's words). */
  readonly problem: string | undefined;

  constructor(message: string, options?: { cause?: unknown; problem?: string }) {
    super(message, options);
    this.problem = options?.problem;
  }
}

export interface HomeKey {
  id: string;
  key: Buffer;
}

const service = 'azsess';

interface KeyringEntry {
  getPassword(): string | null;
  setPassword(password: string): void;
}
type EntryClass = new (service: string, account: string, options?: { linux?: { store?: string } }) => KeyringEntry;

let entryClass: EntryClass | undefined;

/** @napi-rs/keyring's Entry, required on first use (the bundle keeps the package external). */
function loadEntryClass(): EntryClass {
  if (entryClass) return entryClass;
  const { createRequire } = process.getBuiltinModule('node:module');
  // The bundle has __filename; the modules tsc builds (ES modules) have import.meta.url.
  const base = typeof __filename === 'string' ? __filename : import.meta.url;
  let loaded: { Entry: EntryClass };
  try {
    loaded = createRequire(base)('@napi-rs/keyring') as { Entry: EntryClass };
  } catch (err) {
    throw new KeychainError(
      `The keychain cannot be used: its package @napi-rs/keyring does not load on this machine (${firstLine(err)}); reinstall azsess, or keep tokens in files with azsess write-manifest --token-store file.`,
      { cause: err },
    );
  }
  entryClass = loaded.Entry;
  return entryClass;
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n', 1)[0] ?? '').replace(/[.\s]+$/, '');
}

/** Why the platform refused, in words a user can act on (the library's own text otherwise). */
export function keychainProblem(err: unknown): string {
  const text = firstLine(err);
  if (/DBUS_SESSION_BUS_ADDRESS|autolaunch|Failed to connect to socket|D-?Bus error/i.test(text)) {
    return 'no Secret Service is reachable (no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is unset or its bus is gone, as in a container or an SSH session)';
  }
  if (/locked|prompt was dismissed|unlock/i.test(text)) return 'the keyring is locked and cannot be unlocked without a prompt here';
  if (/no result found|not available|no such (interface|object)|ServiceUnknown/i.test(text)) {
    return 'no Secret Service answers on the D-Bus session bus (is gnome-keyring or KWallet running?)';
  }
  return `the keychain refused (${text})`;
}

const wayOut = 'unlock or start the keychain and run the command again, or keep tokens in files with azsess write-manifest --token-store file';

function unavailable(home: string, err: unknown): KeychainError {
  const problem = keychainProblem(err);
  return new KeychainError(`The keychain holding the key of the azsess home ${home} cannot be used: ${problem}; ${wayOut}.`, { cause: err, problem });
}

function entryFor(home: string): KeyringEntry {
  const Entry = loadEntryClass();
  // On Linux only the Secret Service: the kernel keyring the library would fall back to loses
  // the key at reboot, and Docker's seccomp profile refuses it.
  return new Entry(service, resolve(home), { linux: { store: 'secret-service' } });
}

function parseKey(text: string): HomeKey | undefined {
  const [version, id, encoded] = text.split(':');
  if (version !== 'v1' || !id || !encoded) return undefined;
  const key = Buffer.from(encoded, 'base64');
  return key.length === 32 ? { id, key } : undefined;
}

const loaded = new Map<string, HomeKey | undefined>();

/** The key of `home` as the keychain holds it (read once per process), undefined when it holds none. */
export function findHomeKey(home: string): HomeKey | undefined {
  const at = resolve(home);
  if (loaded.has(at)) return loaded.get(at);
  let text: string | null;
  try {
    text = entryFor(home).getPassword();
  } catch (err) {
    if (err instanceof KeychainError) throw err;
    throw unavailable(home, err);
  }
  const key = text === null ? undefined : parseKey(text);
  loaded.set(at, key);
  return key;
}

/**
 * The key of `home`, made and stored now if the keychain holds none: when a home first seals,
 * or seals again after its key was removed (the secrets it sealed are lost by then).
 */
export function ensureHomeKey(home: string): HomeKey {
  const found = findHomeKey(home);
  if (found) return found;
  const { randomBytes } = process.getBuiltinModule('node:crypto');
  const made: HomeKey = { id: randomBytes(8).toString('hex'), key: randomBytes(32) };
  try {
    entryFor(home).setPassword(`v1:${made.id}:${made.key.toString('base64')}`);
  } catch (err) {
    throw unavailable(home, err);
  }
  loaded.set(resolve(home), made);
  return made;
}
