import type { ProtocolName } from '../domain/protocol-table.js';
import type { Grant } from './types.js';

/**
 * Where each protocol of domain/protocol-table.ts is implemented. A mapped type over the table's
 * names: a row without its loader here does not compile. Each module is imported when a token is
 * due, so a cache hit loads none (scripts/bundle.mjs).
 */
const implementations: { readonly [N in ProtocolName]: () => Promise<{ grant: Grant }> } = {
  AzDeviceCodeFlowCredentials: () => import('./device-code.js'),
  AzAuthCodeFlowCredentials: () => import('./auth-code.js'),
  AzClientCredentials: () => import('./client-credentials.js'),
  AzVMCredentials: () => import('./managed-identity/index.js'),
  AzFederatedCredentials: () => import('./federated.js'),
};

/** The grant of a protocol, its module loaded on first use. */
export async function loadGrant(name: ProtocolName): Promise<Grant> {
  return (await implementations[name]()).grant;
}
