import {
  defaultFederatedAudience,
  type FederatedSource,
  type FederatedSourceKind,
} from '../protocols/assertion-sources/types.js';
import { protocols, type ProtocolEntry } from '../domain/protocol-table.js';
import type { ClientCertificate } from '../protocols/types.js';
import type { AssertionAlgorithm } from '../oauth/client-assertion.js';
import { ConfigError, UsageError } from '../domain/errors.js';
import type { ProtocolName } from '../domain/protocol-names.js';
import { rememberSecret } from '../domain/redact.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Flags that choose how an application proves who it is. None of them is stored. */
export interface CredentialFlags {
  clientCertificate?: string;
  /** Read from stdin by the CLI (`--client-certificate-password-stdin`). */
  certificatePassword?: string;
  certificateAlg?: AssertionAlgorithm;
  sendCertificateChain?: boolean;
  federatedTokenSource?: FederatedSourceKind | 'auto';
  federatedTokenFile?: string;
  federatedAudience?: string;
  serviceConnectionId?: string;
}

/** The first of a protocol's own flags (its registry row's) that was given. */
function givenFlag(flags: object, own: Readonly<Record<string, string>>): string | undefined {
  const given = flags as Readonly<Record<string, unknown>>;
  for (const key in own) if (given[key] !== undefined && given[key] !== false) return own[key];
  return undefined;
}

/**
 * A protocol's own flags (certificate flags are client-credentials', federated flags federated's,
 * browser flags auth-code's) with another protocol are exit 2.
 */
export function checkCredentialFlags(protocol: ProtocolName, given: object): void {
  for (let i = 0; i < protocols.length; i++) {
    const owner = protocols[i]!;
    if (owner.name === protocol) continue;
    const flag = givenFlag(given, owner.flags);
    if (flag) throw new UsageError(`${flag} applies to --protocol ${owner.short} only.`);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * client-credentials with a certificate: `--client-certificate` or AZURE_CLIENT_CERTIFICATE_PATH
 * (the azure-identity variables); undefined means a client secret. A certificate, when given, is
 * used instead of any secret.
 */
export function resolveCertificate(flags: CredentialFlags, env: Env): ClientCertificate | undefined {
  const path = flags.clientCertificate ?? nonEmpty(env.AZURE_CLIENT_CERTIFICATE_PATH);
  if (!path) {
    // The flags of the protocols that prove themselves by a secret or a certificate need a certificate.
    const certificateRows = (protocols as readonly ProtocolEntry[]).filter((p) => p.proof === 'secret-or-certificate');
    const orphan = certificateRows.map((p) => givenFlag(flags, p.flags)).find((flag) => flag !== undefined);
    if (orphan) throw new UsageError(`${orphan} needs a certificate: pass --client-certificate PATH or set AZURE_CLIENT_CERTIFICATE_PATH.`);
    return undefined;
  }
  const password = flags.certificatePassword ?? nonEmpty(env.AZURE_CLIENT_CERTIFICATE_PASSWORD);
  rememberSecret(password);
  const sendChain = flags.sendCertificateChain === true || /^(1|true|yes)$/i.test(env.AZURE_CLIENT_SEND_CERTIFICATE_CHAIN ?? '');
  return { path, ...(password !== undefined ? { password } : {}), algorithm: flags.certificateAlg ?? 'PS256', sendChain };
}

/** `auto`: an explicit flag, then AZURE_FEDERATED_TOKEN_FILE (AKS), GitHub Actions, Azure Pipelines. */
function detectSource(flags: CredentialFlags, env: Env): FederatedSourceKind {
  if (flags.federatedTokenFile) return 'file';
  if (flags.serviceConnectionId) return 'azure-pipelines';
  if (env.AZURE_FEDERATED_TOKEN_FILE) return 'file';
  if (env.ACTIONS_ID_TOKEN_REQUEST_URL) return 'github';
  if (env.SYSTEM_OIDCREQUESTURI) return 'azure-pipelines';
  throw new ConfigError(
    'No federated token source found here (no AZURE_FEDERATED_TOKEN_FILE, and no GitHub Actions or Azure Pipelines OIDC variables); ' +
      'pass --federated-token-source with what it needs (docs/ci.md).',
  );
}

/** Where the federated token comes from, from flags and the environment. */
export function resolveFederatedSource(flags: CredentialFlags, env: Env): FederatedSource {
  const asked = flags.federatedTokenSource ?? 'auto';
  const kind = asked === 'auto' ? detectSource(flags, env) : asked;
  const misplaced =
    (flags.federatedAudience !== undefined && kind !== 'github' && '--federated-audience') ||
    (flags.federatedTokenFile !== undefined && kind !== 'file' && '--federated-token-file') ||
    (flags.serviceConnectionId !== undefined && kind !== 'azure-pipelines' && '--service-connection-id');
  if (misplaced) throw new UsageError(`${misplaced} does not apply to the ${kind} token source.`);
  switch (kind) {
    case 'file': {
      const path = flags.federatedTokenFile ?? nonEmpty(env.AZURE_FEDERATED_TOKEN_FILE);
      if (!path) throw new ConfigError('The file token source needs --federated-token-file or AZURE_FEDERATED_TOKEN_FILE.');
      return { kind, path };
    }
    case 'github':
      return { kind, audience: flags.federatedAudience ?? defaultFederatedAudience };
    case 'azure-pipelines': {
      const id = flags.serviceConnectionId ?? nonEmpty(env.AZURESUBSCRIPTION_SERVICE_CONNECTION_ID);
      if (!id) {
        throw new ConfigError('The azure-pipelines token source needs the service connection id: pass --service-connection-id or set AZURESUBSCRIPTION_SERVICE_CONNECTION_ID.');
      }
      return { kind, serviceConnectionId: id };
    }
  }
}

/** The source as recorded in the session (`azsess_options`): it tells sessions of different sources apart. */
export function federatedOptions(source: FederatedSource): Record<string, string> {
  switch (source.kind) {
    case 'file':
      return { federated_source: 'file', federated_token_file: source.path };
    case 'github':
      return { federated_source: 'github', federated_audience: source.audience };
    case 'azure-pipelines':
      return { federated_source: 'azure-pipelines', service_connection_id: source.serviceConnectionId };
  }
}
