import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { ConfigError } from '../domain/errors.js';

/** A private key and its certificate, read from one PEM or PKCS#12 file. */
export interface CertificateCredential {
  key: KeyObject;
  /** The certificate of `key`. */
  leaf: X509Certificate;
  /** `leaf` first, then the other certificates of the file in order (for `x5c`). */
  chain: X509Certificate[];
}

const keyBlock = /-----BEGIN ((?:ENCRYPTED |RSA |EC )?PRIVATE KEY)-----[\s\S]*?-----END \1-----/;
const certificateBlocks = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

function isEncrypted(block: string): boolean {
  return block.startsWith('-----BEGIN ENCRYPTED PRIVATE KEY') || /Proc-Type:\s*4,\s*ENCRYPTED/.test(block);
}

function notPem(file: string): ConfigError {
  return new ConfigError(
    `${file} is not a PEM file; if it is PKCS#12 (.pfx or .p12) in base64, decode it first ('base64 -d'), ` +
      `as azsess reads PKCS#12 in its binary form; else pass a PEM file with the private key and its certificate.`,
  );
}

function readKey(block: string, file: string, password: string | undefined): KeyObject {
  const encrypted = isEncrypted(block);
  if (encrypted && !password) {
    throw new ConfigError(
      `The private key in ${file} is encrypted: set AZURE_CLIENT_CERTIFICATE_PASSWORD or pass --client-certificate-password-stdin.`,
    );
  }
  try {
    return createPrivateKey(encrypted ? { key: block, format: 'pem', passphrase: password! } : { key: block, format: 'pem' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (encrypted) {
      throw new ConfigError(`Could not decrypt the private key in ${file}; check its password (AZURE_CLIENT_CERTIFICATE_PASSWORD or --client-certificate-password-stdin).`, { cause: err });
    }
    throw new ConfigError(`The private key in ${file} could not be read (${code || (err as Error).message}); give a PEM file with an RSA private key.`, { cause: err });
  }
}

function readCertificates(text: string, file: string): X509Certificate[] {
  return (text.match(certificateBlocks) ?? []).map((block) => {
    try {
      return new X509Certificate(block);
    } catch (err) {
      throw new ConfigError(`A certificate in ${file} could not be read (${(err as Error).message}).`, { cause: err });
    }
  });
}

/**
 * Reads the private key (PKCS#8, PKCS#1, encrypted or not) and the certificates of a PEM file.
 * Entra ID takes RSA certificates; the key's own certificate becomes the leaf, whatever its place.
 * Every problem is a ConfigError naming the file and what to do.
 */
export function parseCertificateFile(text: string, file: string, password?: string): CertificateCredential {
  if (!text.includes('-----BEGIN ')) throw notPem(file);
  const block = keyBlock.exec(text)?.[0];
  if (!block) {
    throw new ConfigError(`${file} holds no private key; azsess needs one PEM file with the private key and its certificate (for example: cat key.pem cert.pem > both.pem).`);
  }
  const key = readKey(block, file, password);
  if (key.asymmetricKeyType !== 'rsa') {
    throw new ConfigError(`The private key in ${file} is ${key.asymmetricKeyType ?? 'not an asymmetric key'}; Entra ID client certificates must be RSA.`);
  }
  const certificates = readCertificates(text, file);
  if (certificates.length === 0) {
    throw new ConfigError(`${file} holds no certificate; azsess needs one PEM file with the private key and its certificate (for example: cat key.pem cert.pem > both.pem).`);
  }
  const leaf = certificates.find((c) => c.checkPrivateKey(key));
  if (!leaf) throw new ConfigError(`None of the certificates in ${file} belongs to its private key; put the key's own certificate in the file.`);
  return { key, leaf, chain: [leaf, ...certificates.filter((c) => c !== leaf)] };
}
