import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripBom } from '../io/atomic-write.js';
import { azLoginFileName, readOptionalFile } from './home.js';

/*
 * Who the az entry signs in as when it is not a person: the app of `az login --service-principal`
 * or the managed identity of `az login --identity`, as `<home>/az-login.json` (store/az-login.ts
 * writes it). Only the az entry reads it, on every token it answers, so this module is light: no
 * lock, no keychain until a sealed secret must be opened. AzSessions.jl never meets the file.
 */

/** An app's sign-in: its client id and tenant, and the one proof it was given. */
export interface AzAppLogin {
  kind: 'service-principal';
  clientId: string;
  tenant: string;
  /** The client secret (`-p`); sealed (store/sealed-secrets.ts) in a keychain home. */
  clientSecret?: string;
  /** A PEM or PKCS#12 file (`--certificate`, or `-p` naming a file, as az reads it). */
  certificate?: string;
  /** The file that holds the federated token `--federated-token` gave. */
  federatedTokenFile?: string;
}

/** A managed identity's sign-in: system-assigned, or one user-assigned identity by one of its ids. */
export interface AzIdentityLogin {
  kind: 'managed-identity';
  clientId?: string;
  objectId?: string;
  resourceId?: string;
}

export type AzLoginRecord = AzAppLogin | AzIdentityLogin;

export function azLoginPath(home: string): string {
  return join(home, azLoginFileName);
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The record as found; undefined when the file is not one (it is then ignored, and the next login replaces it). */
export function parseAzLogin(raw: string): AzLoginRecord | undefined {
  let data: unknown;
  try {
    data = JSON.parse(stripBom(raw));
  } catch {
    return undefined;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const r = data as Record<string, unknown>;
  if (r.kind === 'managed-identity') {
    const ids = { clientId: text(r.client_id), objectId: text(r.object_id), resourceId: text(r.resource_id) };
    return { kind: 'managed-identity', ...Object.fromEntries(Object.entries(ids).filter(([, v]) => v !== undefined)) };
  }
  const clientId = text(r.client_id);
  const tenant = text(r.tenant);
  if (r.kind !== 'service-principal' || !clientId || !tenant) return undefined;
  const proof = { clientSecret: text(r.client_secret), certificate: text(r.certificate), federatedTokenFile: text(r.federated_token_file) };
  const given = Object.entries(proof).filter(([, v]) => v !== undefined);
  // Exactly one proof, as az keeps it: a record with none or two is not one azsess wrote.
  if (given.length !== 1) return undefined;
  return { kind: 'service-principal', clientId, tenant, ...Object.fromEntries(given) };
}

/** The file's JSON, in the keys it is read with. */
export function formatAzLogin(record: AzLoginRecord): string {
  const fields =
    record.kind === 'managed-identity'
      ? { kind: record.kind, client_id: record.clientId, object_id: record.objectId, resource_id: record.resourceId }
      : {
          kind: record.kind,
          client_id: record.clientId,
          tenant: record.tenant,
          client_secret: record.clientSecret,
          certificate: record.certificate,
          federated_token_file: record.federatedTokenFile,
        };
  return `${JSON.stringify(fields, null, 2)}\n`;
}

/** The record of the home, or undefined: none (a person signs in), or one that is not readable as ours. */
export function readAzLogin(home: string): AzLoginRecord | undefined {
  const raw = readOptionalFile(azLoginPath(home), 'check its permissions, or sign in again with az login');
  return raw === undefined ? undefined : parseAzLogin(raw);
}

/** The federated token a kept login's file holds; undefined when the file cannot be read. */
export function readKeptFederatedToken(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}
