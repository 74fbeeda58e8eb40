import type { Command } from 'commander';
import { join } from 'node:path';
import { importAzSignIn, azureCliClientId, type AzImportResult } from '../../az/az-import.js';
import { parseMsalCache, type MsalCache } from '../../az/msal-cache.js';
import { ConfigError } from '../../core/errors.js';
import { hasValidToken, sameSession, type Session } from '../../core/session.js';
import { homeSettings } from '../../core/resolve-query.js';
import { readSmallFile } from '../../io/read-file.js';
import { saveAzSubscriptions } from '../../store/az-subscriptions.js';
import { updateSessions } from '../../store/sessions-lock.js';
import type { SessionsDocument } from '../../store/sessions-document.js';
import { commandFrom, groupFrom } from '../command-builder.js';
import type { CliContext } from '../context.js';
import type { CommandSpec, OptionsOf } from '../option-spec.js';
import { startRuntime } from '../runtime.js';
import { commonOptions } from '../shared-options.js';

/** `azsess import az`, as data (cli/option-spec.ts). */
export const importAzSpec = {
  name: 'az',
  description: "make azsess sessions from the Azure CLI's sign-in (its refresh tokens) and subscriptions, without a new sign-in; az's files are only read",
  options: [{ flags: '--config-dir <dir>', key: 'configDir', help: "the Azure CLI's directory (default: $AZURE_CONFIG_DIR, else ~/.azure)" }, ...commonOptions],
  examples: ['azsess import az', 'azsess import az --config-dir /mnt/old-laptop/.azure', 'azsess import az && azsess token --scope https://storage.azure.com/.default'],
} as const satisfies CommandSpec;

export type ImportAzOptions = OptionsOf<typeof importAzSpec>;

/** az's files are small; anything bigger is not what we look for. */
const maxFileBytes = 16 * 1024 * 1024;

/** `azsess import ...`, as data: sign-ins of other tools made azsess's. */
export const importSpec = {
  name: 'import',
  description: "take over another tool's sign-in: the Azure CLI's (az)",
  options: [],
  examples: ['azsess import az'],
} as const satisfies CommandSpec;

export function importCommand(ctx: CliContext): Command {
  return groupFrom(importSpec, [commandFrom(importAzSpec, runImportAz, ctx)]);
}

function configDirOf(opts: ImportAzOptions, ctx: CliContext): string {
  if (opts.configDir !== undefined && opts.configDir.trim() !== '') return opts.configDir;
  const fromEnv = ctx.env.AZURE_CONFIG_DIR;
  return fromEnv !== undefined && fromEnv.trim() !== '' ? fromEnv : join(ctx.homedir, '.azure');
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

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export async function runImportAz(opts: ImportAzOptions, ctx: CliContext): Promise<void> {
  const rt = await startRuntime(ctx, opts);
  const dir = configDirOf(opts, ctx);
  const cache = readCache(dir);
  const profileSubscriptions = readProfile(dir);
  const settings = homeSettings({}, ctx.env, rt.home.value);
  const result: AzImportResult = importAzSignIn({
    cache, profileSubscriptions, protocol: settings.protocol.value, defaultTenant: settings.tenant.value, now: ctx.now(),
  });
  if (result.people.length === 0) {
    throw new ConfigError(
      `The Azure CLI's sign-in in ${dir} has no refresh token of a person for its client ${azureCliClientId}, so there is nothing to import; run 'az login' first, or 'azsess login'.`,
    );
  }
  await updateSessions(rt.home.value, rt.store, (doc) => void addImported(doc, result.sessions, ctx.now()));
  for (const person of result.people) {
    const stored = person.subscriptions.length > 0 ? await saveAzSubscriptions(rt.home.value, rt.store, person.user, person.subscriptions) : [];
    const subscriptions = stored.filter((a) => a.id.toLowerCase() !== a.tenantId.toLowerCase()).length;
    rt.log.info(
      `Imported the Azure CLI's sign-in of ${person.user.name} (${plural(person.tenants.length, 'tenant')}, ${plural(subscriptions, 'subscription')}) from ${dir}; ` +
        `azsess token now refreshes with it, with no new sign-in.`,
    );
  }
  if (result.servicePrincipals > 0) {
    rt.log.info(`Left out ${plural(result.servicePrincipals, 'service principal')} az has signed in: sign them in with azsess (--protocol client-credentials), az's secrets stay az's.`);
  }
  if (settings.clientId.value.toLowerCase() !== azureCliClientId) {
    rt.log.warn(`The sessions are for the Azure CLI's client ${azureCliClientId}, not ${settings.clientId.value} (${settings.clientId.origin}); give --client-id ${azureCliClientId} to use them.`);
  }
}
