import type { ProtocolDeps, TokenResult } from '../types.js';
import { appService, appService2017 } from './app-service.js';
import { arc } from './arc.js';
import { cloudShell } from './cloud-shell.js';
import { imds } from './imds.js';
import { serviceFabric } from './service-fabric.js';
import type { IdentitySelector, ManagedIdentitySource } from './types.js';

export type { IdentitySelector };

/**
 * In azure-identity's order (entra-protocol.md 7.1): Service Fabric (App Service's variables and a
 * thumbprint, so before it), App Service, Azure Arc, the 2017 App Service protocol, Cloud Shell,
 * then IMDS, which is always there to try.
 */
const sources: readonly ManagedIdentitySource[] = [serviceFabric, appService, arc, appService2017, cloudShell, imds];

export function chooseSource(env: ProtocolDeps['env']): ManagedIdentitySource {
  return sources.find((s) => s.detect(env)) ?? imds;
}

/** A managed identity token for `resource`, from the source this environment offers. */
export async function acquireManagedIdentityToken(
  resource: string,
  identity: IdentitySelector,
  deps: ProtocolDeps,
): Promise<TokenResult> {
  const source = chooseSource(deps.env);
  deps.log.verbose(`Managed identity source: ${source.name}.`);
  return source.acquire(resource, identity, deps);
}
