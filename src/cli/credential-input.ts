import { credentialQueryInput } from '../core/resolve-query.js';
import type { QueryInput } from '../core/token-query.js';
import type { FederatedSourceKind } from '../protocols/assertion-sources/types.js';
import type { CliContext } from './context.js';
import { readSecretLine } from './read-secret.js';

/** Options of `token` and `login` for claims, CAE, client certificates and federated tokens. */
export interface CredentialOptions {
  claims?: string;
  cae?: boolean;
  clientCertificate?: string;
  clientCertificatePasswordStdin?: boolean;
  certificateAlg?: 'PS256' | 'RS256';
  sendCertificateChain?: boolean;
  federatedTokenSource?: FederatedSourceKind | 'auto';
  federatedTokenFile?: string;
  federatedAudience?: string;
  serviceConnectionId?: string;
}

/** The password of an encrypted certificate key, read from one line of stdin when asked to. */
export async function readCertificatePassword(opts: CredentialOptions, ctx: CliContext): Promise<string | undefined> {
  if (!opts.clientCertificatePasswordStdin) return undefined;
  // Without a certificate there is nothing to unlock: leave stdin alone and let the query say so.
  const hasCertificate = Boolean(opts.clientCertificate || ctx.env.AZURE_CLIENT_CERTIFICATE_PATH);
  return hasCertificate ? readSecretLine(ctx, 'Certificate password: ') : '';
}

/** The query input of these options (the certificate password already read, if it was asked for). */
export function credentialInput(
  opts: CredentialOptions,
  env: CliContext['env'],
  certificatePassword?: string,
): Pick<QueryInput, 'credentials' | 'claims' | 'cae'> {
  return credentialQueryInput(opts, env, certificatePassword);
}
