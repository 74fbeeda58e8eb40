import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomically } from '../io/atomic-write.js';
import { azLoginPath, formatAzLogin, readAzLogin, type AzAppLogin, type AzLoginRecord } from './az-login-read.js';
import { azFederatedTokenFileName, ensureHome } from './home.js';
import { updateLockedFile, type LockedFileOptions } from './locked-file.js';
import { readManifest, tokenStoreOf } from './manifest.js';
import { ensureHomeKey } from './keychain.js';
import { sealText, unsealText } from './sealed-secrets.js';
import { guarded } from './storage-error.js';

/*
 * Writes `<home>/az-login.json` (store/az-login-read.ts reads it): under its own lock, atomically,
 * owner only. A login replaces the record whole, and only after its token was got; the federated
 * token lands in its own file first, so a record never names a token that is not there.
 */

function keychainHome(home: string): boolean {
  try {
    return tokenStoreOf(readManifest(home, false)) === 'keychain';
  } catch {
    return false;
  }
}

/** Replaces the record under its lock; returns the one it replaced, as read under the lock. */
async function replace(home: string, options: LockedFileOptions, next: AzLoginRecord | undefined): Promise<AzLoginRecord | undefined> {
  let before: AzLoginRecord | undefined;
  await updateLockedFile(
    home,
    azLoginPath(home),
    'the az login record',
    // Removing writes an empty object: a reader takes it for "no record", and the write stays atomic.
    {
      read: () => readAzLogin(home),
      change: (current) => {
        before = current;
        return next;
      },
      format: (r) => (r ? formatAzLogin(r) : '{}\n'),
    },
    options,
  );
  return before;
}

/** The federated token file of a record that is no longer kept. */
function forgetTokenFileOf(home: string, record: AzLoginRecord | undefined): void {
  if (record?.kind === 'service-principal' && record.federatedTokenFile) removeFederatedToken(home, record.federatedTokenFile);
}

/**
 * Keeps the federated token `--federated-token` gave in a file of the app's own (the federated
 * protocol reads a token file for every request; a session never holds the token). Returns its path.
 */
export function saveFederatedToken(home: string, clientId: string, token: string): string {
  ensureHome(home);
  const file = federatedTokenPath(home, clientId);
  guarded(home, `save the federated token ${file}`, () => writeFileAtomically(file, `${token}\n`));
  return file;
}

/**
 * One new file per login: a login that fails (or another app's) never changes the token the kept
 * login reads; the kept one's file goes only once the new record is saved.
 */
function federatedTokenPath(home: string, clientId: string): string {
  const app = clientId.toLowerCase().replace(/[^0-9a-z-]/g, '_');
  return join(home, `${azFederatedTokenFileName}-${app}-${randomBytes(6).toString('hex')}`);
}

/** Removes a federated token file of ours that no kept login names (after a failed login, or a logout). */
export function removeFederatedToken(home: string, file: string): void {
  const kept = readAzLogin(home);
  if (kept?.kind === 'service-principal' && kept.federatedTokenFile === file) return;
  if (dirname(file) !== home || !basename(file).startsWith(`${azFederatedTokenFileName}-`)) return;
  guarded(home, `remove the federated token ${file}`, () => rmSync(file, { force: true }));
}

/** Makes `record` the az entry's identity, replacing the one kept; a secret is sealed when the home keeps secrets in the keychain. */
export async function saveAzLogin(home: string, options: LockedFileOptions, record: AzLoginRecord): Promise<void> {
  const sealed =
    record.kind === 'service-principal' && record.clientSecret !== undefined && keychainHome(home)
      ? { ...record, clientSecret: sealText(ensureHomeKey(home), record.clientSecret) }
      : record;
  // The token file of the login this one replaced, once the new record is saved.
  forgetTokenFileOf(home, await replace(home, options, sealed));
}

/** Forgets the az entry's app or identity (a person's az login, az logout, az account clear); true when there was one. */
export async function removeAzLogin(home: string, options: LockedFileOptions): Promise<boolean> {
  // Nothing kept: no write, and no lock taken.
  if (!readAzLogin(home)) return false;
  const had = await replace(home, options, undefined);
  forgetTokenFileOf(home, had);
  return had !== undefined;
}

/** The app's client secret in plain text; undefined when a sealed one cannot be opened (the keychain lost its key). */
export function openAzLoginSecret(home: string, record: AzAppLogin): string | undefined {
  const secret = record.clientSecret;
  if (secret === undefined || !secret.startsWith('azsess-sealed:')) return secret;
  return unsealText(home, secret);
}
