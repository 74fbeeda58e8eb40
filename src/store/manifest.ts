import { readFileSync, statSync } from 'node:fs';
import { ConfigError } from '../domain/errors.js';
import { jsonSyntaxProblem } from '../domain/json-problem.js';
import { lookupProtocol } from '../domain/protocol-names.js';
import { rememberSecret } from '../domain/redact.js';
import { isValidTenant, tenantHint } from '../domain/tenant.js';
import { stripBom } from '../io/atomic-write.js';
import { manifestPath } from './home.js';
import { sealedKey, unsealManifestSecret, type TokenStore } from './sealed-secrets.js';

/**
 * manifest.json as AzSessions.jl writes it: client_id, client_secret, tenant and protocol, each a
 * string, "" when unset. Older files spell `protocol` as `protocal`; azsess reads both and keeps
 * the spelling a file already uses.
 */
export interface Manifest {
  client_id: string;
  client_secret: string;
  tenant: string;
  /** An AzSessions protocol name, or "" (device code flow). */
  protocol: string;
  /** Keys azsess does not know, kept as found. */
  extra: Record<string, unknown>;
  /** The file used the misspelt `protocal` key. */
  protocalSpelling: boolean;
}

const keys = ['client_id', 'client_secret', 'tenant', 'protocol', 'protocal'];

export function emptyManifest(): Manifest {
  return { client_id: '', client_secret: '', tenant: '', protocol: '', extra: {}, protocalSpelling: false };
}

function invalid(path: string, problem: string): ConfigError {
  return new ConfigError(`The manifest ${path} is invalid: ${problem}; fix it, or rewrite it with azsess write-manifest --reset.`);
}

/** Parses and checks a manifest's text; errors name the file and what is wrong. */
export function parseManifest(text: string, path: string): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw invalid(path, `it is not JSON (${jsonSyntaxProblem(err)})`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw invalid(path, 'it is not a JSON object');
  const record = data as Record<string, unknown>;
  for (const key of keys) {
    if (key in record && typeof record[key] !== 'string') throw invalid(path, `"${key}" must be a string`);
  }
  const manifest = emptyManifest();
  manifest.client_id = (record.client_id as string | undefined) ?? '';
  manifest.client_secret = (record.client_secret as string | undefined) ?? '';
  rememberSecret(manifest.client_secret);
  manifest.tenant = (record.tenant as string | undefined) ?? '';
  manifest.protocalSpelling = !('protocol' in record) && 'protocal' in record;
  const protocol = ((record.protocol ?? record.protocal) as string | undefined) ?? '';
  if (protocol !== '') {
    const known = lookupProtocol(protocol);
    if (!known) throw invalid(path, `"protocol" is "${protocol}", which is not a protocol azsess knows`);
    manifest.protocol = known;
  }
  if (manifest.tenant !== '' && !isValidTenant(manifest.tenant)) {
    throw invalid(path, `"tenant" is "${manifest.tenant}", but it must be ${tenantHint}`);
  }
  const store = record.token_store;
  if (store !== undefined && store !== 'file' && store !== 'keychain') {
    throw invalid(path, `"token_store" is ${JSON.stringify(store)}, but it must be "file" or "keychain"`);
  }
  for (const [k, v] of Object.entries(record)) if (!keys.includes(k)) manifest.extra[k] = v;
  return manifest;
}

/** The manifest's `token_store` (azsess's own key, kept in `extra`), undefined when it names none. */
export function tokenStoreOf(manifest: Manifest | undefined): TokenStore | undefined {
  const store = manifest?.extra.token_store;
  return store === 'file' || store === 'keychain' ? store : undefined;
}

/** Manifests whose file held a sealed client secret (store/sealed-secrets.ts). */
const sealedManifests = new WeakSet<Manifest>();

export function wasSealedManifest(manifest: Manifest): boolean {
  return sealedManifests.has(manifest);
}

const maxManifestBytes = 1024 * 1024;

/** What to do about a manifest that cannot be read, by the error's code. */
function unreadableBecause(code: string | undefined): string {
  switch (code) {
    case 'EISDIR':
      return 'it is a directory, not a file; move it away, then write one with azsess write-manifest';
    case 'ERR_STRING_TOO_LONG':
      return `it is larger than ${maxManifestBytes / 1024 / 1024} MiB, so it is not an azsess manifest; move it away, then write one with azsess write-manifest`;
    case 'EACCES':
    case 'EPERM':
      return `it cannot be read (${code}); check its permissions`;
    default:
      return `it cannot be read (${code ?? 'error'}); check the file, or move it away and write one with azsess write-manifest`;
  }
}

/** The manifest in `home`, or undefined when there is none; a sealed client secret opened unless `open` is false. */
export function readManifest(home: string, open = true): Manifest | undefined {
  const path = manifestPath(home);
  let text: string;
  try {
    // Most homes have no manifest: asking first spares the cache hit an exception (0.2 ms).
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return undefined;
    // A manifest is a few hundred bytes: a huge file is something else (and would not fit a string).
    if (stat.size > maxManifestBytes) throw Object.assign(new Error('too large'), { code: 'ERR_STRING_TOO_LONG' });
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ConfigError(`Cannot read the manifest ${path}: ${unreadableBecause(code)}.`, { cause: err });
  }
  const manifest = parseManifest(stripBom(text), path);
  // A keychain home keeps the client secret sealed, "" in its AzSessions key.
  if (open && sealedKey in manifest.extra) {
    manifest.client_secret = unsealManifestSecret(home, manifest.extra[sealedKey], manifest);
    delete manifest.extra[sealedKey];
    sealedManifests.add(manifest);
  }
  return manifest;
}

/** The manifest's JSON, every AzSessions key present, indented as AzSessions.jl writes it. */
export function formatManifest(manifest: Manifest): string {
  const out: Record<string, unknown> = {
    client_id: manifest.client_id,
    client_secret: manifest.client_secret,
    tenant: manifest.tenant,
    [manifest.protocalSpelling ? 'protocal' : 'protocol']: manifest.protocol,
    ...manifest.extra,
  };
  return `${JSON.stringify(out, null, 1)}\n`;
}
