import type { IncomingMessage } from 'node:http';

import type { TraceIds } from './entra-errors.js';
import type { ParsedScope } from './entra-resources.js';

/** What the adapter learnt about a request, handed to the Koa middleware through the request. */
export interface EntraRequestContext {
  /** Tenant segment as sent (`common`, a GUID, a domain). */
  tenant: string;
  /** `/<tenant>`: prefix oidc-provider must keep in the URLs it builds. */
  tenantPath: string;
  endpoint: string;
  ids: TraceIds;
  grantType?: string;
  clientId?: string;
  /** The Entra scope parsed (token and devicecode requests). */
  scope?: ParsedScope;
  /** `client_info=1` was asked. */
  clientInfo?: boolean;
  /** The client authenticated with a certificate assertion or a federated token. */
  clientAuth?: 'certificate' | 'federated';
  /** The `claims` request of a token request (JSON), as sent. */
  claims?: string;
}

const CONTEXT = Symbol('azsess.entra');

type WithContext = IncomingMessage & { [CONTEXT]?: EntraRequestContext };

export function setRequestContext(req: IncomingMessage, context: EntraRequestContext): void {
  (req as WithContext)[CONTEXT] = context;
}

export function requestContext(req: IncomingMessage): EntraRequestContext | undefined {
  return (req as WithContext)[CONTEXT];
}
