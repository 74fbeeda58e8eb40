/**
 * Where a federated token comes from (entra-protocol.md 5.3). The session records this, never
 * the token: a fresh token is fetched for every request to Entra.
 */
export type FederatedSource =
  /** A file another process keeps fresh (AKS workload identity, GitLab, any OIDC issuer). */
  | { kind: 'file'; path: string }
  /** GitHub Actions' OIDC endpoint, with the audience to ask for. */
  | { kind: 'github'; audience: string }
  /** Azure Pipelines' OIDC endpoint, for one service connection. */
  | { kind: 'azure-pipelines'; serviceConnectionId: string };

export type FederatedSourceKind = FederatedSource['kind'];

export const federatedSourceKinds: readonly FederatedSourceKind[] = ['file', 'github', 'azure-pipelines'];

/** The audience Entra recommends for federated credentials. */
export const defaultFederatedAudience = 'api://AzureADTokenExchange';

/** For messages: "the GitHub Actions OIDC endpoint", "the federated token file /var/run/...". */
export function describeSource(source: FederatedSource): string {
  switch (source.kind) {
    case 'file':
      return `the federated token file ${source.path}`;
    case 'github':
      return 'GitHub Actions';
    case 'azure-pipelines':
      return `Azure Pipelines (service connection ${source.serviceConnectionId})`;
  }
}
