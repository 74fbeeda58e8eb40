import { decodeClaims } from '../domain/jwt.js';
import type { TokenQuery } from '../core/token-query.js';
import type { AskedIdentity } from './msi-protocol.js';

/** The names of the identity a server hands tokens of: from the settings, and from its tokens. */
export interface ServedIdentity {
  clientIds: string[];
  objectIds: string[];
  resourceIds: string[];
}

const present = (...values: Array<string | undefined>) => values.filter((v): v is string => typeof v === 'string' && v.length > 0);

/** What the settings name: the app of a sign-in, or the user-assigned identity of `--protocol vm`. */
export function configuredIdentity(query: TokenQuery): ServedIdentity {
  return {
    clientIds: present(query.clientId, query.identity.clientId),
    objectIds: present(query.identity.objectId),
    resourceIds: present(query.identity.resourceId),
  };
}

/** What a token says of its holder: app id, object id and, for a managed identity, its ARM id (`xms_mirid`). */
export function tokenIdentity(token: string): ServedIdentity {
  const claims = decodeClaims(token);
  const text = (name: string) => (typeof claims?.[name] === 'string' ? (claims[name] as string) : undefined);
  return {
    clientIds: present(text('appid'), text('azp')),
    objectIds: present(text('oid')),
    resourceIds: present(text('xms_mirid')),
  };
}

export function mergeIdentities(a: ServedIdentity, b: ServedIdentity): ServedIdentity {
  return { clientIds: [...a.clientIds, ...b.clientIds], objectIds: [...a.objectIds, ...b.objectIds], resourceIds: [...a.resourceIds, ...b.resourceIds] };
}

/**
 * Why the identity a request names is not the one served, or undefined when it is (or names
 * none). With `unknownPasses`, a kind of name the server does not know yet is not held against
 * the request (checked again once the token is there).
 */
export function identityMismatch(asked: AskedIdentity, served: ServedIdentity, unknownPasses: boolean): string | undefined {
  const checks: Array<[string, string | undefined, string[]]> = [
    ['client_id', asked.clientId, served.clientIds],
    ['object_id', asked.objectId, served.objectIds],
    ['mi_res_id', asked.resourceId, served.resourceIds],
  ];
  for (const [name, value, known] of checks) {
    if (!value || (known.length === 0 && unknownPasses)) continue;
    if (!known.some((k) => k.toLowerCase() === value.toLowerCase())) {
      const serving = known.length > 0 ? `it serves ${name} ${known[0]}` : `the identity it serves has no ${name}`;
      return `This azsess serve does not hand out tokens of ${name} ${value}: ${serving}. Leave ${name} out (for example unset AZURE_CLIENT_ID), or start azsess serve with the settings of that identity.`;
    }
  }
  return undefined;
}
