import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { ConfigError } from '../domain/errors.js';
import type { CertificateCredential } from './certificate-credential.js';
import { Pkcs12Error, readPkcs12 } from './pkcs12.js';

const passwordSources = 'AZURE_CLIENT_CERTIFICATE_PASSWORD or --client-certificate-password-stdin';

function asConfigError(err: Pkcs12Error, file: string): ConfigError {
  if (err.reason === 'password') {
    return new ConfigError(
      err.given
        ? `The password of the PKCS#12 file ${file} is wrong (${err.detail}); check ${passwordSources}.`
        : `The PKCS#12 file ${file} is protected by a password: set ${passwordSources}.`,
    );
  }
  if (err.reason === 'unsupported') {
    return new ConfigError(
      `The PKCS#12 file ${file} uses ${err.detail}, which azsess does not read; ` +
        `convert it to PEM with 'openssl pkcs12 -in ${file} -out ${file.replace(/\.(pfx|p12)$/i, '')}.pem -nodes', keep that file private, and pass it instead.`,
    );
  }
  return new ConfigError(`${file} is neither a PEM file nor a readable PKCS#12 file (${err.detail}); pass a PEM file or a .pfx/.p12 file.`);
}

function keyOf(der: Buffer, file: string): KeyObject {
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (err) {
    throw new ConfigError(`The private key in the PKCS#12 file ${file} could not be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`, { cause: err });
  }
}

/**
 * Makes a credential of a PKCS#12 file: exactly one private key, RSA, and its certificate (found by
 * its public key, whatever the localKeyId says); the other certificates follow it as the chain.
 */
export function parsePkcs12File(bytes: Buffer, file: string, password: string | undefined): CertificateCredential {
  let contents;
  try {
    contents = readPkcs12(bytes, password);
  } catch (err) {
    if (err instanceof Pkcs12Error) throw asConfigError(err, file);
    throw err;
  }
  if (contents.keys.length === 0) throw new ConfigError(`The PKCS#12 file ${file} holds no private key; export it again with its private key.`);
  if (contents.keys.length > 1) {
    throw new ConfigError(
      `The PKCS#12 file ${file} holds ${contents.keys.length} private keys; azsess needs a file with one key and its certificate (export that one alone).`,
    );
  }
  const key = keyOf(contents.keys[0]!.der, file);
  if (key.asymmetricKeyType !== 'rsa') {
    throw new ConfigError(`The private key in ${file} is ${key.asymmetricKeyType ?? 'not an asymmetric key'}; Entra ID client certificates must be RSA.`);
  }
  const certificates = contents.certificates.map(({ der }) => {
    try {
      return new X509Certificate(der);
    } catch (err) {
      throw new ConfigError(`A certificate in the PKCS#12 file ${file} could not be read (${(err as Error).message}).`, { cause: err });
    }
  });
  const leaf = certificates.find((c) => c.checkPrivateKey(key));
  if (!leaf) {
    throw new ConfigError(
      certificates.length === 0
        ? `The PKCS#12 file ${file} holds a private key but no certificate; export it again with the key's certificate.`
        : `None of the ${certificates.length} certificates in the PKCS#12 file ${file} belongs to its private key; export it again with the key's own certificate.`,
    );
  }
  return { key, leaf, chain: [leaf, ...certificates.filter((c) => c !== leaf)] };
}
