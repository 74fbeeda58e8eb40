import { join } from 'node:path';
import { importAzSignIn, azureCliClientId } from './az-import.js';
import { parseMsalCache, type MsalCache } from './msal-cache.js';
import { readSmallFile } from '../io/read-file.js';
import { saveAzSubscriptions } from '../store/az-subscriptions.js';
import { updateSessions } from '../store/sessions-lock.js';
import type { SessionsDocument } from '../store/sessions-document.js';
import type { AdminOptions } from '../core/admin.js';
import { ConfigError } from '../domain/errors.js';
import { homeSettings } from '../core/resolve-query.js';
import { hasValidToken, sameSession, type Session } from '../domain/session.js';
import type { Resolved } from '../core/settings.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Where the Azure CLI's files are: `--config-dir`, else AZURE_CONFIG_DIR, else ~/.azure. */
export interface AzImportInput {
  configDir?: string;
  env: Env;
  homedir: string;
}

/** One person whose sign-in was imported: said as soon as their subscriptions are stored. */
export interface AzImportedPerson {
  name: string;
  tenants: number;
  subscriptions: number;
  /** The Azure CLI's directory the sign-in came from. */
  dir: string;
}

/** What else `azsess import az` has to say. */
export interface AzImportReport {
  /** Signed in to az but not imported: their secrets stay az's. */
  servicePrincipals: number;
  /** The application azsess's settings name: the imported sessions are the Azure CLI's, which may not be it. */
  clientId: Resolved<string>;
}

/** az's files are small; anything bigger is not what we look for. */
const maxFileBytes = 16 * 1024 * 1024;

function configDirOf({ configDir, env, homedir }: AzImportInput): string {
  if (configDir !== undefined && configDir.trim() !== '') return configDir;
  const fromEnv = env.AZURE_CONFIG_DIR;
  return fromEnv !== undefined && fromEnv.trim() !== '' ? fromEnv : join(homedir, '.azure');
}

/** A file of az's, or undefined when it is not there; any other failure is one sentence. */
function readAzFile(path: string): string | undefined {
  try {
    return readSmallFile(path, maxFileBytes);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    const why = code === 'EISDIR' ? 'it is a directory' : code === 'EFBIG' ? 'it is too large to be one of az\'s files' : `${code ?? 'error'}; check its permissions`;
    throw new ConfigError(`Cannot read the Azure CLI's ${path} (${why}).`, { cause: err });
  }
}

function exists(path: string): boolean {
  try {
    readSmallFile(path, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EFBIG' || (err as NodeJS.ErrnoException).code === 'EISDIR';
  }
}

/** The MSAL cache of az in `dir`, or the sentence that says why there is none to import. */
function readCache(dir: string): MsalCache {
  const path = join(dir, 'msal_token_cache.json');
  const text = readAzFile(path);
  if (text === undefined) {
    if (exists(join(dir, 'msal_token_cache.bin'))) {
      throw new ConfigError(
        `The Azure CLI's sign-in in ${dir} is encrypted (msal_token_cache.bin, which only az on this Windows account can decrypt), so azsess cannot read it; run 'azsess login' instead.`,
      );
    }
    if (exists(join(dir, 'accessTokens.json'))) {
      throw new ConfigError(`${dir} holds only the sign-in of an Azure CLI older than 2.30 (accessTokens.json), which azsess does not read; run 'azsess login', or update az, run 'az login' and import again.`);
    }
    throw new ConfigError(`No Azure CLI sign-in to import in ${dir} (no msal_token_cache.json); run 'az login' first, or name az's directory with --config-dir or AZURE_CONFIG_DIR.`);
  }
  const cache = parseMsalCache(text);
  if (!cache) throw new ConfigError(`The Azure CLI's ${path} is not an MSAL token cache (not the JSON az writes), so nothing was imported; run 'az login' again, or 'azsess login'.`);
  return cache;
}

/** azureProfile.json's subscriptions (az writes it with a byte-order mark); none without the file. */
function readProfile(dir: string): unknown[] {
  const path = join(dir, 'azureProfile.json');
  const text = readAzFile(path);
  if (text === undefined) return [];
  try {
    const data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as { subscriptions?: unknown } | null;
    if (data !== null && typeof data === 'object' && (data.subscriptions === undefined || Array.isArray(data.subscriptions))) return (data.subscriptions as unknown[] | undefined) ?? [];
  } catch {
    // Said below.
  }
  throw new ConfigError(`The Azure CLI's ${path} is not the JSON az writes (an object with a "subscriptions" list), so nothing was imported; fix or move it away and import again.`);
}

/** Adds the imported sessions; a session azsess has whose token still works is kept as it is. */
function addImported(doc: SessionsDocument, imported: readonly Session[], now: Date): number {
  let added = 0;
  for (const session of imported) {
    const existing = doc.sessions.filter((s) => sameSession(s, session));
    if (existing.some((s) => hasValidToken(s, now, 0))) continue;
    doc.sessions = [session, ...doc.sessions.filter((s) => !existing.includes(s))];
    added++;
  }
  return added;
}

/**
 * `azsess import az`: the Azure CLI's sign-in (its people's refresh tokens) made azsess sessions,
 * and their subscriptions stored for the az entry, without a new sign-in; az's files are only read.
 */
export async function importAzSessions(
  input: AzImportInput,
  options: AdminOptions & { now: () => Date },
  imported: (person: AzImportedPerson) => void,
): Promise<AzImportReport> {
  const dir = configDirOf(input);
  const cache = readCache(dir);
  const profileSubscriptions = readProfile(dir);
  const settings = homeSettings({}, input.env, options.home);
  const result = importAzSignIn({
    cache, profileSubscriptions, protocol: settings.protocol.value, defaultTenant: settings.tenant.value, now: options.now(),
  });
  if (result.people.length === 0) {
    throw new ConfigError(
      `The Azure CLI's sign-in in ${dir} has no refresh token of a person for its client ${azureCliClientId}, so there is nothing to import; run 'az login' first, or 'azsess login'.`,
    );
  }
  await updateSessions(options.home, options, (doc) => void addImported(doc, result.sessions, options.now()));
  for (const person of result.people) {
    const stored = person.subscriptions.length > 0 ? await saveAzSubscriptions(options.home, options, person.user, person.subscriptions) : [];
    // A tenant-level account (its id is its tenant's) is no subscription.
    const subscriptions = stored.filter((a) => a.id.toLowerCase() !== a.tenantId.toLowerCase()).length;
    imported({ name: person.user.name, tenants: person.tenants.length, subscriptions, dir });
  }
  return { servicePrincipals: result.servicePrincipals, clientId: settings.clientId };
}
