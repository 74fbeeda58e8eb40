import { ConfigError } from '../../domain/errors.js';
import type { ProtocolDeps } from '../types.js';

// Projected service account tokens are a few KiB.
const maxTokenFileBytes = 64 * 1024;

/**
 * The token in a file, read again for every request: kubelet (AKS workload identity) and CI
 * systems replace it before it expires, so a long job keeps working.
 */
export function readTokenFile(path: string, deps: ProtocolDeps): string {
  let text: string;
  try {
    text = deps.readFile(path, maxTokenFileBytes);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ConfigError(
      `Could not read the federated token file ${path} (${code}); check AZURE_FEDERATED_TOKEN_FILE or --federated-token-file.`,
      { cause: err },
    );
  }
  const token = text.trim();
  if (token === '') throw new ConfigError(`The federated token file ${path} is empty; whatever writes it has not written a token yet.`);
  return token;
}
