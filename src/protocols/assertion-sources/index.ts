import { rememberSecret } from '../../domain/redact.js';
import type { ProtocolDeps } from '../types.js';
import { fetchAzurePipelinesToken } from './azure-pipelines.js';
import { readTokenFile } from './file.js';
import { fetchGitHubToken } from './github.js';
import type { FederatedSource } from './types.js';

/** A fresh federated token from its source; remembered as a secret so no message can show it. */
export async function fetchFederatedToken(source: FederatedSource, deps: ProtocolDeps): Promise<string> {
  let token: string;
  switch (source.kind) {
    case 'file':
      token = readTokenFile(source.path, deps);
      break;
    case 'github':
      token = await fetchGitHubToken(source.audience, deps);
      break;
    case 'azure-pipelines':
      token = await fetchAzurePipelinesToken(source.serviceConnectionId, deps);
      break;
  }
  rememberSecret(token);
  return token;
}
