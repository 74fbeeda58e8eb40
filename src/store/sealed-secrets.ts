import { rememberSecret } from '../domain/redact.js';
import type { Session } from '../domain/session.js';
import { ensureHomeKey, findHomeKey, type HomeKey } from './keychain.js';
import type { SessionsDocument } from './sessions-document.js';

/**
 * Secrets at rest in a `--token-store keychain` home (docs/files.md, "Tokens in the keychain"):
 * each sealed with AES-256-GCM under the home's key from the OS keychain (store/keychain.ts).
 * Files keep their shape. In a session entry the keys AzSessions.jl reads as secrets (`token`,
 * `refresh_token`, `id_token`, `client_secret`) become "", so no reader ever takes a sealed
 * value for a token, and `azsess_sealed` holds them sealed; a cached registry token and the
 * manifest's client secret are sealed the same way. That key is what marks an entry as sealed,
 * in the file itself: AzSessions.jl's write_manifest drops the manifest's `token_store`.
 */

/** The key, in a session entry, a registry entry or the manifest, that holds its sealed secrets. */
export const sealedKey = 'azsess_sealed';
const prefix = 'azsess-sealed:v1:';

export type TokenStore = 'file' | 'keychain';

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `azsess-sealed:v1:<key id>:<base64url of iv, ciphertext, tag>`, the key id bound in as associated data. */
export function sealText(key: HomeKey, plain: string): string {
  const { createCipheriv, randomBytes } = process.getBuiltinModule('node:crypto');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(Buffer.from(key.id));
  const body = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${prefix}${key.id}:${body.toString('base64url')}`;
}

/**
 * The plain text of a sealed value in `home`, or undefined when it cannot be opened: the keychain
 * holds no key for the home or another one (made on another machine, or removed since), or the
 * value is damaged. Their sessions sign in anew (unsealDocument keeps the value as found); a
 * keychain that cannot be reached at all is an error instead (exit 6), since unlocking fixes it.
 */
export function unsealText(home: string, sealed: string): string | undefined {
  const rest = sealed.startsWith(prefix) ? sealed.slice(prefix.length) : '';
  const colon = rest.indexOf(':');
  const body = Buffer.from(rest.slice(colon + 1), 'base64url');
  if (colon <= 0 || body.length < 12 + 16) return undefined;
  const key = findHomeKey(home);
  if (!key || rest.slice(0, colon) !== key.id) return undefined;
  const { createDecipheriv } = process.getBuiltinModule('node:crypto');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, body.subarray(0, 12));
    decipher.setAAD(Buffer.from(key.id));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(12, body.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** Documents and manifests with sealed secrets that could not be opened, for one warning. */
const unopened = new WeakSet<object>();

/** Whether some sealed secrets of what was read could not be opened (they are left out). */
export function hadUnopenedSecrets(read: object): boolean {
  return unopened.has(read);
}

/** Opens a sealed JSON object of strings; one that does not open is undefined, and `from` is noted. */
function unsealRecord(home: string, sealed: unknown, from: object): Record<string, string> | undefined {
  const text = typeof sealed === 'string' ? unsealText(home, sealed) : undefined;
  let record: unknown;
  try {
    record = text === undefined ? undefined : JSON.parse(text);
  } catch {
    record = undefined;
  }
  if (!isRecord(record)) {
    unopened.add(from);
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const k in record) {
    const v = record[k];
    if (typeof v === 'string') {
      out[k] = v;
      rememberSecret(v);
    }
  }
  return out;
}

function sealRecord(key: HomeKey, values: Record<string, string>): string | undefined {
  const kept: Record<string, string> = {};
  let any = false;
  for (const k in values) {
    if (values[k]) {
      kept[k] = values[k];
      any = true;
    }
  }
  return any ? sealText(key, JSON.stringify(kept)) : undefined;
}

/** Documents whose file held sealed data, so that their next write seals again. */
const sealedDocuments = new WeakSet<SessionsDocument>();

function registriesOf(doc: SessionsDocument): Record<string, unknown> | undefined {
  const raw = doc.extensions.registries;
  return isRecord(raw) ? raw : undefined;
}

/** Whether anything in the document is sealed: a loop over a few entries, no keychain, no crypto. */
export function hasSealedData(doc: SessionsDocument): boolean {
  for (let i = 0; i < doc.sessions.length; i++) if (sealedKey in doc.sessions[i]!.extra) return true;
  const registries = registriesOf(doc);
  if (registries) for (const server in registries) if (isRecord(registries[server]) && sealedKey in registries[server]) return true;
  return false;
}

/** Whether the file `doc` was read from held sealed data. */
export function wasSealed(doc: SessionsDocument): boolean {
  return sealedDocuments.has(doc);
}

/**
 * Opens, in place, every sealed secret of a document just read (the keychain is read once per
 * process). What does not open keeps its sealed value, written back as found by a keychain write
 * (another machine's keychain may hold its key) and dropped by a file write; its secrets stay "".
 */
export function unsealDocument(doc: SessionsDocument, home: string): SessionsDocument {
  sealedDocuments.add(doc);
  for (const session of doc.sessions) {
    if (!(sealedKey in session.extra)) continue;
    const secrets = unsealRecord(home, session.extra[sealedKey], doc);
    if (!secrets) continue;
    delete session.extra[sealedKey];
    if (secrets.token) session.token = secrets.token;
    if (secrets.refresh_token) session.refreshToken = secrets.refresh_token;
    if (secrets.id_token) session.idToken = secrets.id_token;
    if (secrets.client_secret) session.clientSecret = secrets.client_secret;
  }
  const registries = registriesOf(doc);
  for (const server in registries ?? {}) {
    const entry = registries![server];
    if (!isRecord(entry) || !(sealedKey in entry)) continue;
    const secrets = unsealRecord(home, entry[sealedKey], doc);
    if (!secrets) continue;
    const { [sealedKey]: _sealed, ...rest } = entry;
    registries![server] = { ...rest, refresh_token: secrets.refresh_token ?? '' };
  }
  return doc;
}

function sealSession(session: Session, key: HomeKey): Session {
  const sealed = sealRecord(key, {
    token: session.token,
    refresh_token: session.refreshToken,
    id_token: session.idToken,
    client_secret: session.clientSecret,
  });
  if (!sealed) return session;
  return { ...session, token: '', refreshToken: '', idToken: '', clientSecret: '', extra: { ...session.extra, [sealedKey]: sealed } };
}

/** A copy of the document to write, every secret sealed under `home`'s key; the document itself keeps them open. */
export function sealedDocument(doc: SessionsDocument, home: string): SessionsDocument {
  const key = ensureHomeKey(home);
  const copy: SessionsDocument = { ...doc, sessions: doc.sessions.map((s) => sealSession(s, key)), extensions: { ...doc.extensions } };
  const registries = registriesOf(doc);
  if (registries) {
    const out: Record<string, unknown> = {};
    for (const server in registries) {
      const entry = registries[server];
      if (!isRecord(entry) || typeof entry.refresh_token !== 'string' || entry.refresh_token === '') {
        out[server] = entry;
        continue;
      }
      const { refresh_token: refreshToken, ...rest } = entry;
      out[server] = { ...rest, [sealedKey]: sealRecord(key, { refresh_token: refreshToken }) };
    }
    copy.extensions.registries = out;
  }
  return copy;
}

/** A copy of the document to write in plain text: sealed values that did not open are dropped. */
export function withoutSealedData(doc: SessionsDocument): SessionsDocument {
  const strip = (entry: Record<string, unknown>) => {
    const { [sealedKey]: _sealed, ...rest } = entry;
    return rest;
  };
  const copy: SessionsDocument = { ...doc, sessions: doc.sessions.map((s) => (sealedKey in s.extra ? { ...s, extra: strip(s.extra) } : s)), extensions: { ...doc.extensions } };
  const registries = registriesOf(doc);
  if (registries) {
    const out: Record<string, unknown> = {};
    for (const server in registries) {
      const entry = registries[server];
      out[server] = isRecord(entry) ? strip(entry) : entry;
    }
    copy.extensions.registries = out;
  }
  return copy;
}

/** The store a home's writes use: the manifest's explicit `token_store`, else the keychain when the file read held sealed data. */
export function storeForWrite(manifestChoice: TokenStore | undefined, sealedBefore: boolean): TokenStore {
  return manifestChoice ?? (sealedBefore ? 'keychain' : 'file');
}

/** The manifest's client secret, opened: its `azsess_sealed` holds it while `client_secret` is "". */
export function unsealManifestSecret(home: string, sealed: unknown, manifest: object): string {
  return unsealRecord(home, sealed, manifest)?.client_secret ?? '';
}

/** The manifest's client secret, sealed under `home`'s key (undefined when there is none). */
export function sealManifestSecret(home: string, secret: string): string | undefined {
  return secret === '' ? undefined : sealRecord(ensureHomeKey(home), { client_secret: secret });
}
