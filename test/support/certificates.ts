import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { assertRequired } from './requires.js';

export interface TestCertificate {
  keyPath: string;
  certPath: string;
  keyPem: string;
  certPem: string;
}

/**
 * A throw-away self-signed P-256 certificate for 127.0.0.1 (and any `dnsNames`), made by openssl
 * (node:crypto cannot issue certificates): a TLS server's certificate, or a registry token signer's.
 */
export async function makeCertificate(dir: string, commonName: string, dnsNames: string[] = []): Promise<TestCertificate> {
  const keyPath = join(dir, `${commonName}.key.pem`);
  const certPath = join(dir, `${commonName}.cert.pem`);
  assertRequired('openssl');
  await promisify(execFile)('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyPath, '-out', certPath, '-subj', `/CN=${commonName}`, '-days', '1',
    '-addext', `subjectAltName=${['IP:127.0.0.1', ...dnsNames.map((n) => `DNS:${n}`)].join(',')}`,
  ]);
  return { keyPath, certPath, keyPem: readFileSync(keyPath, 'utf8'), certPem: readFileSync(certPath, 'utf8') };
}
