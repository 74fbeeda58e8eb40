import type { ProtocolDeps, TokenResult } from '../types.js';

/** A user-assigned identity, named one of three ways; none means system-assigned. */
export interface IdentitySelector {
  clientId?: string;
  objectId?: string;
  resourceId?: string;
}

/** One place a managed identity token can come from (App Service, IMDS, ...). */
export interface ManagedIdentitySource {
  name: string;
  /** Chosen from the environment alone, as azure-identity chooses. */
  detect(env: ProtocolDeps['env']): boolean;
  acquire(resource: string, identity: IdentitySelector, deps: ProtocolDeps): Promise<TokenResult>;
}
