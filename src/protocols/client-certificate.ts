import { randomUUID } from 'node:crypto';
import { ConfigError } from '../domain/errors.js';
import { rememberSecret } from '../domain/redact.js';
import { defaultScopeOf } from '../domain/scopes.js';
import { entraEndpoints } from '../oauth/endpoints.js';
import { parseCertificateFile, type CertificateCredential } from '../oauth/certificate-credential.js';
import { certificateThumbprint, jwtBearerAssertionType, signClientAssertion } from '../oauth/client-assertion.js';
import { checkAppOnlyTarget } from './client-credentials.js';
import { requestToken } from './token-endpoint.js';
import type { AppTarget, ClientCertificate, ProtocolDeps, TokenResult } from './types.js';

// A key, a certificate and a chain of a few certificates fit easily.
const maxCertificateFileBytes = 256 * 1024;

/** A DER SEQUENCE with no PEM block in it: PKCS#12 (a PEM file starts with text). */
function looksLikePkcs12(bytes: Buffer): boolean {
  return bytes[0] === 0x30 && !bytes.includes('-----BEGIN ');
}

async function loadCertificate(certificate: ClientCertificate, deps: ProtocolDeps): Promise<CertificateCredential> {
  let bytes: Buffer;
  try {
    bytes = deps.readBytes(certificate.path, maxCertificateFileBytes);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ConfigError(
      `Could not read the client certificate ${certificate.path} (${code}); check the path where it was given (--client-certificate, AZURE_CLIENT_CERTIFICATE_PATH, or az login's --certificate).`,
      { cause: err },
    );
  }
  if (looksLikePkcs12(bytes)) {
    // Loaded only for a PKCS#12 file: a PEM file (and any cache hit) never reads the parser.
    const { parsePkcs12File } = await import('../oauth/pkcs12-credential.js');
    return parsePkcs12File(bytes, certificate.path, certificate.password);
  }
  return parseCertificateFile(bytes.toString('utf8'), certificate.path, certificate.password);
}

/**
 * The client credentials grant with a certificate (entra-protocol.md 5.2): a new assertion,
 * signed with the certificate's key, for every request.
 */
export async function acquireWithCertificate(
  target: AppTarget,
  resource: string,
  certificate: ClientCertificate,
  deps: ProtocolDeps,
  extra: { claims?: string } = {},
): Promise<TokenResult> {
  checkAppOnlyTarget(target, 'client-credentials');
  rememberSecret(certificate.password);
  const credential = await loadCertificate(certificate, deps);
  const audience = entraEndpoints(target.authority, target.tenant).token;
  deps.log.verbose(
    `Signing a ${certificate.algorithm} client assertion with the certificate ${credential.leaf.subject.replace(/\n/g, ', ')} ` +
      `(SHA-1 thumbprint ${credential.leaf.fingerprint.replace(/:/g, '')}, x5t#S256 ${certificateThumbprint(credential.leaf, 'sha256')}).`,
  );
  const assertion = signClientAssertion(credential, {
    audience,
    clientId: target.clientId,
    jti: randomUUID(),
    now: deps.now(),
    algorithm: certificate.algorithm,
    sendChain: certificate.sendChain,
  });
  rememberSecret(assertion);
  const form = {
    grant_type: 'client_credentials',
    client_id: target.clientId,
    client_assertion_type: jwtBearerAssertionType,
    client_assertion: assertion,
    scope: defaultScopeOf(resource),
    ...(extra.claims ? { claims: extra.claims } : {}),
  };
  return requestToken(target, form, deps, {
    what: 'Entra ID refused the client certificate',
    hint: 'check the client id, the tenant, and that this certificate is uploaded to the app registration',
  });
}
