import { protocols, type ProtocolEntry, type ProtocolName } from './protocol-table.js';
import { UsageError } from './errors.js';

export type { ProtocolName };

/** A shown alias is a short name in lower case; AzSessions.jl's names start with `Az`. */
const isShownAlias = (alias: string) => !alias.startsWith('Az');

/**
 * What a user may type, lower-cased (the stored name, the short name, the aliases), to the
 * protocol's row. Built once per process from the table: a plain loop, since every cache hit
 * builds it.
 */
const byKey = new Map<string, ProtocolEntry & { name: ProtocolName }>();
for (let i = 0; i < protocols.length; i++) {
  const entry = protocols[i]!;
  byKey.set(entry.short, entry);
  for (let j = 0; j < entry.aliases.length; j++) byKey.set(entry.aliases[j]!.toLowerCase(), entry);
  byKey.set(entry.name.toLowerCase(), entry);
  // The stored name as it is, for protocolOf: no key typed by a user has a capital.
  byKey.set(entry.name, entry);
}

/** The short names shown in help and error messages. */
export const protocolChoices: readonly string[] = protocols.flatMap((p) => [p.short, ...p.aliases.filter(isShownAlias)]);

/** The table's row of a protocol: its kind, flags and storage. */
export function protocolOf(name: ProtocolName): ProtocolEntry {
  return byKey.get(name)!;
}

/** The short name of a stored protocol, for messages and the commands we suggest. */
export function shortProtocolName(name: ProtocolName): string {
  return protocolOf(name).short;
}

/** Resolves a name, an alias or an AzSessions name (with or without its `AzSessions.` prefix). */
export function lookupProtocol(input: string): ProtocolName | undefined {
  const trimmed = input.trim();
  const key = (trimmed.startsWith('AzSessions.') ? trimmed.slice('AzSessions.'.length) : trimmed).toLowerCase();
  // A Map, not an object: `constructor` or `__proto__` is no protocol.
  return byKey.get(key)?.name;
}

/** Like lookupProtocol, but a wrong name is a usage error that lists the valid ones. */
export function parseProtocol(input: string): ProtocolName {
  const found = lookupProtocol(input);
  if (!found) {
    throw new UsageError(
      `Unknown protocol '${input}'; use one of ${protocolChoices.join(', ')} ` +
        `(or an AzSessions.jl name such as AzDeviceCodeFlowCredentials).`,
    );
  }
  return found;
}

/** Who signs in with a protocol: a person, an application or a managed identity. */
export function kindOf(name: ProtocolName): ProtocolEntry['kind'] {
  return protocolOf(name).kind;
}

/** A protocol that keeps a redirect URI (a browser sign-in) tells its sessions apart by it. */
export function keepsRedirectUri(name: ProtocolName): boolean {
  return protocolOf(name).storedKeys.includes('redirect_uri');
}

/** Protocols a person signs in to; they keep refresh tokens. */
export function isUserProtocol(name: ProtocolName): boolean {
  return protocolOf(name).kind === 'user';
}
